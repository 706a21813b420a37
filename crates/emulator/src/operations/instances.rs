//! Channel instances: ListInstance, QueryInstance, CreateInstance, UpdateInstance,
//! DeleteInstance (rules::Op Create / Update / Delete) and ChangeResourceGroup (the
//! `regroup` of an Op::Update). The instance profile lives in the emulator's
//! [`InstanceMeta`], not in the rules' account.

use super::{Ctx, Fields, REGION, channel, data, fields, time};
use crate::envelope::ApiError;
use crate::params::Params;
use crate::state::{InstanceMeta, State};
use chanctl_core::model::{ChannelType, LiveChannel};
use chanctl_core::rules::Op;
use serde_json::{Map, Value, json};

/// ListInstance's default and largest page.
pub const DEFAULT_PAGE_SIZE: i64 = 10;
pub const MAX_PAGE_SIZE: i64 = 100;

/// The optional attributes CreateInstance and UpdateInstance take, and where they go.
const ATTRIBUTES: [&str; 5] = [
    "ContactMail",
    "CountryId",
    "FacebookBmId",
    "IsvTerms",
    "OfficeAddress",
];

fn attribute<'a>(m: &'a mut InstanceMeta, name: &str) -> Option<&'a mut String> {
    Some(match name {
        "ContactMail" => &mut m.contact_mail,
        "CountryId" => &mut m.country_id,
        "FacebookBmId" => &mut m.facebook_bm_id,
        "IsvTerms" => &mut m.isv_terms,
        "OfficeAddress" => &mut m.office_address,
        "ResourceGroupId" => &mut m.resource_group_id,
        _ => return None,
    })
}

fn set_attributes(p: &Params, m: &mut InstanceMeta, names: &[&str]) {
    for name in names {
        if let (Some(v), Some(slot)) = (p.get(name), attribute(m, name)) {
            *slot = v.to_string();
        }
    }
}

/// An instance as ListInstance and QueryInstance show it: the keys of `head`, then the
/// attributes in `m` and the region, then the keys of `tail` (JSON objects keep this order).
fn described(head: Value, m: &InstanceMeta, tail: Value) -> Value {
    let attributes = json!({
        "ContactMail": m.contact_mail,
        "CountryId": m.country_id,
        "FacebookBmId": m.facebook_bm_id,
        "IsvTerms": m.isv_terms,
        "OfficeAddress": m.office_address,
        "ResourceGroupId": m.resource_group_id,
        "ResourceRegionId": REGION,
    });
    let mut out = Map::new();
    for part in [head, attributes, tail] {
        if let Value::Object(part) = part {
            out.extend(part);
        }
    }
    Value::Object(out)
}

fn row(c: &LiveChannel, m: &InstanceMeta) -> Value {
    described(
        json!({
            "InstanceId": c.id,
            "CustSpaceId": c.id,
            "InstanceName": c.name,
            "InstanceDescription": c.description,
            "ChannelType": c.channel_type.as_str(),
            "State": "published",
            "SubmitTime": m.submit_time,
        }),
        m,
        json!({}),
    )
}

/// ListInstance: filters, then 1-based pages in creation order.
pub fn list(p: &Params, st: &State) -> Result<Fields, ApiError> {
    let channel_type = p.optional("ChannelType");
    let name = p.optional("InstanceName");
    let id = p.optional("InstanceId");
    let is_bind = p.bool("IsBind")?;
    let bind = p.optional("BindId");
    let filter = p.optional("FilterStr");
    let group = p.optional("ResourceGroupId");
    let page_index = p.int("PageIndex")?.unwrap_or(1);
    if page_index < 1 {
        return Err(ApiError::invalid("PageIndex", "pages are numbered from 1"));
    }
    let page_size = p.int("PageSize")?.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
        return Err(ApiError::invalid(
            "PageSize",
            format!("must be 1 to {MAX_PAGE_SIZE}"),
        ));
    }
    let mut rows: Vec<(&LiveChannel, InstanceMeta)> = st
        .account
        .channels()
        .map(|c| (c, st.meta(&c.id)))
        .filter(|(c, m)| {
            channel_type.is_none_or(|t| c.channel_type.as_str().eq_ignore_ascii_case(t))
                && name.is_none_or(|n| c.name.contains(n))
                && id.is_none_or(|i| c.id == i)
                && is_bind.is_none_or(|b| c.binding.is_some() == b)
                && bind.is_none_or(|b| c.binding.as_ref().is_some_and(|x| super::bound_to(x, b)))
                && filter.is_none_or(|f| c.name.contains(f) || c.id.contains(f))
                && group.is_none_or(|g| m.resource_group_id == g)
        })
        .collect();
    rows.sort_by(|(a, ma), (b, mb)| (ma.seq, &a.id).cmp(&(mb.seq, &b.id)));
    let total = rows.len();
    let size = usize::try_from(page_size).unwrap_or(0);
    let skip = usize::try_from(page_index - 1)
        .unwrap_or(usize::MAX)
        .saturating_mul(size);
    let items: Vec<Value> = rows
        .iter()
        .skip(skip)
        .take(size)
        .map(|(c, m)| row(c, m))
        .collect();
    Ok(fields([
        ("Data", Value::Array(items)),
        ("TotalCount", Value::from(total)),
    ]))
}

/// QueryInstance.
pub fn query(p: &Params, st: &State) -> Result<Fields, ApiError> {
    let c = channel(st, p.required("InstanceId")?)?;
    let m = st.meta(&c.id);
    Ok(data(described(
        json!({
            "InstanceId": c.id,
            "InstanceName": c.name,
            "InstanceDescription": c.description,
            "ChannelType": c.channel_type.as_str(),
            "CustType": "direct",
        }),
        &m,
        json!({"SubmitTime": m.submit_time}),
    )))
}

/// CreateInstance (Op::Create). ChannelType is matched case-insensitively.
pub fn create(p: &Params, st: &mut State, ctx: &Ctx) -> Result<Fields, ApiError> {
    let raw_type = p.required("ChannelType")?;
    let channel_type = ChannelType::ALL
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(raw_type.trim()))
        .ok_or_else(|| {
            ApiError::invalid(
                "ChannelType",
                format!("`{raw_type}` is not whatsapp, viber, messenger, instagram, sms or email"),
            )
        })?;
    let name = p.required("InstanceName")?.to_string();
    let description = p.get("InstanceDescription").unwrap_or_default().to_string();
    let id = st
        .account
        .apply(&Op::Create {
            name: name.clone(),
            channel_type,
            description: description.clone(),
            profile: Default::default(),
        })?
        .ok_or_else(|| ApiError::internal("the rules created no instance id"))?;
    let seq = st.next_serial();
    let submit_time = time(ctx.now);
    let m = st.meta_mut(&id);
    m.seq = seq;
    m.submit_time = submit_time.clone();
    set_attributes(p, m, &ATTRIBUTES);
    set_attributes(p, m, &["ResourceGroupId"]);
    Ok(data(json!({
        "InstanceId": id,
        "InstanceName": name,
        "InstanceDescription": description,
        "ChannelType": channel_type.as_str(),
        "ResourceRegionId": REGION,
        "SubmitTime": submit_time,
    })))
}

/// UpdateInstance (Op::Update). An absent InstanceDescription keeps the current one.
pub fn update(p: &Params, st: &mut State) -> Result<Fields, ApiError> {
    let id = p.required("InstanceId")?.to_string();
    let name = p.required("InstanceName")?.to_string();
    let current = channel(st, &id)?;
    let description = p
        .get("InstanceDescription")
        .map_or_else(|| current.description.clone(), str::to_string);
    let channel_type = current.channel_type;
    st.account.apply(&Op::Update {
        id: id.clone(),
        name: name.clone(),
        description: description.clone(),
        profile: Default::default(),
        regroup: None,
    })?;
    let m = st.meta_mut(&id);
    set_attributes(p, m, &ATTRIBUTES);
    Ok(data(json!({
        "InstanceId": id,
        "InstanceName": name,
        "InstanceDescription": description,
        "Description": description,
        "ChannelType": channel_type.as_str(),
        "ResourceRegionId": REGION,
        "SubmitTime": m.submit_time,
    })))
}

/// The `ResourceType` ChangeResourceGroup takes for a channel instance. Not documented
/// (assumed, README): absent or `instance`, in any case; anything else is refused.
pub const RESOURCE_TYPE: &str = "instance";

/// ChangeResourceGroup: moves an instance to another resource group. The group must look
/// like a resource group id (`rg-...`; assumed: the emulator knows no Resource Manager).
pub fn change_resource_group(p: &Params, st: &mut State) -> Result<Fields, ApiError> {
    let id = p.required("ResourceId")?.to_string();
    let group = p.required("ResourceGroupId")?.to_string();
    if let Some(t) = p.optional("ResourceType")
        && !t.eq_ignore_ascii_case(RESOURCE_TYPE)
    {
        return Err(ApiError::invalid(
            "ResourceType",
            format!("`{t}` is not a CAMS resource type (instance)"),
        ));
    }
    if !group.starts_with("rg-") {
        return Err(ApiError::invalid(
            "ResourceGroupId",
            format!("`{group}` is not a resource group id"),
        ));
    }
    channel(st, &id)?;
    st.meta_mut(&id).resource_group_id = group;
    Ok(Fields::new())
}

/// DeleteInstance (Op::Delete): releases whatever the channel held.
pub fn delete(p: &Params, st: &mut State) -> Result<Fields, ApiError> {
    let id = p.required("InstanceId")?.to_string();
    st.account.apply(&Op::Delete { id: id.clone() })?;
    st.instances.remove(&id);
    // The space goes, and the numbers added to its WABA with it.
    st.numbers.remove(&id);
    Ok(Fields::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::State;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params::of(pairs)
    }

    fn code(r: Result<Fields, ApiError>) -> String {
        r.err().map(|e| e.code).unwrap_or_default()
    }

    #[test]
    fn change_resource_group_moves_an_instance_and_update_keeps_its_group() {
        let mut st = State::new(10);
        let id = st
            .account
            .apply(&Op::Create {
                name: "x".into(),
                channel_type: ChannelType::Sms,
                description: String::new(),
                profile: Default::default(),
            })
            .unwrap_or_default()
            .unwrap_or_default();
        let moved = change_resource_group(
            &params(&[
                ("ResourceId", &id),
                ("ResourceGroupId", "rg-two"),
                ("ResourceType", "Instance"),
            ]),
            &mut st,
        );
        assert!(moved.is_ok(), "{moved:?}");
        assert_eq!(st.meta(&id).resource_group_id, "rg-two");
        // UpdateInstance takes the profile but not the group.
        let updated = update(
            &params(&[
                ("InstanceId", &id),
                ("InstanceName", "x"),
                ("ContactMail", "a@example.com"),
            ]),
            &mut st,
        );
        assert!(updated.is_ok(), "{updated:?}");
        assert_eq!(
            (
                st.meta(&id).contact_mail.as_str(),
                st.meta(&id).resource_group_id.as_str()
            ),
            ("a@example.com", "rg-two")
        );
        // Without ResourceType is fine; another type, a non-group or no instance is not.
        let ok = change_resource_group(
            &params(&[("ResourceId", &id), ("ResourceGroupId", "rg-one")]),
            &mut st,
        );
        assert!(ok.is_ok());
        let bad_type = params(&[
            ("ResourceId", &id),
            ("ResourceGroupId", "rg-one"),
            ("ResourceType", "template"),
        ]);
        assert_eq!(
            code(change_resource_group(&bad_type, &mut st)),
            "InvalidParameter.ResourceType"
        );
        let bad_group = params(&[("ResourceId", &id), ("ResourceGroupId", "default")]);
        assert_eq!(
            code(change_resource_group(&bad_group, &mut st)),
            "InvalidParameter.ResourceGroupId"
        );
        let gone = params(&[("ResourceId", "cams-none"), ("ResourceGroupId", "rg-one")]);
        assert_eq!(
            code(change_resource_group(&gone, &mut st)),
            "InvalidInstanceId.NotFound"
        );
        assert_eq!(st.meta(&id).resource_group_id, "rg-one");
    }
}

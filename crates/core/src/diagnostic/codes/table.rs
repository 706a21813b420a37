//! The table of every diagnostic code, apart from the code that reads it ([`super`]): a
//! registered code is an entry here, with its summary and the explanation that
//! `chanctl explain` prints.

use super::{Code, error, unreachable_by_fixture};

/// Every code, grouped by the stage that finds it (input, YAML, schema, variables,
/// environments, semantic rules, template rules).
pub const ALL: &[Code] = &[
    unreachable_by_fixture(
        error(
            "chanctl::input::too_large",
            "the file is larger than chanctl reads",
            "chanctl reads channels files of at most 16 MiB, so that a mistaken path (a log, a \
             disk image) cannot exhaust memory. A channels file is a few kilobytes per hundred \
             channels; split nothing, but check that -f names the channels file.",
        ),
        "the command line refuses such a file before parsing it (a read error, not a \
         diagnostic); tests/invalid_fixtures.rs writes a 20 MB file to check it",
    ),
    error(
        "chanctl::yaml::syntax",
        "the file is not valid YAML",
        "The YAML parser stopped here: an unclosed quote or bracket, a tab used for \
         indentation, a key without a value, a truncated file, or a construct chanctl refuses \
         for safety (custom tags, more than 32 levels of nesting, aliases that expand too \
         much). The label says what the parser expected. Fix the first such problem: the \
         ones after it are often consequences.",
    ),
    error(
        "chanctl::yaml::duplicate_key",
        "a mapping has the same key twice",
        "YAML parsers disagree on which of two equal keys wins (most keep the last silently), \
         so chanctl refuses the file instead of guessing. The second label shows the first \
         use. Remove one of them, or merge their values.",
    ),
    error(
        "chanctl::yaml::complex_key",
        "a mapping key is a list or a mapping",
        "Every key in a channels file is a plain word (`name`, `type`, a channel's name under \
         `environments`). A `? ` complex key or a flow collection used as a key cannot name \
         anything chanctl reads. Write the key as a plain scalar.",
    ),
    error(
        "chanctl::schema::root",
        "the file is not a mapping with `version` and `channels`",
        "A channels file is a YAML mapping that starts with `version: 1` and has a \
         `channels:` list. The file is empty, holds only comments, or its top level is a \
         list or a scalar. `chanctl init` writes a commented starter file.",
    ),
    error(
        "chanctl::schema::version",
        "the file's `version` is not one this chanctl reads",
        "`version` says which format the file is written in; this chanctl reads version 1. \
         A file written for a newer chanctl needs that chanctl; otherwise write `version: 1`.",
    ),
    error(
        "chanctl::schema::type",
        "a value has the wrong type",
        "The schema wants another kind of value here: a string, a number, a list or a \
         mapping. A common cause is an unquoted id: `page_id: 102938475610` is a number in \
         YAML, and ids are strings, so quote it (`\"102938475610\"`). Likewise `yes`, `no`, \
         `on` and `null` are not strings unless quoted.",
    ),
    error(
        "chanctl::schema::missing_key",
        "a required key is missing",
        "Each channel needs `name` and `type`, a binding needs every key of its type (see the \
         table in the README), and the file needs `version` and `channels`. The help names \
         the missing key and what it holds.",
    ),
    error(
        "chanctl::schema::unknown_key",
        "a key the schema does not know",
        "Unknown keys are errors everywhere, so that a misspelt key (`descripton`) is never \
         silently ignored. The help suggests the nearest known key and lists the keys \
         allowed here.",
    ),
    error(
        "chanctl::schema::channel",
        "a channel is not a mapping, or matches no channel type",
        "Each item of `channels:` is a mapping with at least `name` and `type`. A bare \
         string, a null (`- `) or a list there is not a channel.",
    ),
    error(
        "chanctl::schema::channel_type",
        "the channel's `type` is empty or not a channel type",
        "`type` is one of whatsapp, viber, messenger, instagram, sms and email, in lower \
         case. The help suggests the nearest type when the value looks like a typo.",
    ),
    error(
        "chanctl::schema::binding_type",
        "the binding's keys belong to another channel type",
        "A binding takes the keys of its channel's type (a whatsapp channel takes `waba_id` \
         and `phone_number`, a messenger channel `page_id`, ...). Keys of another type's \
         binding usually mean the `type` or the binding was copied from another channel.",
    ),
    error(
        "chanctl::schema::sms_binding",
        "an sms channel has a binding",
        "SMS channels are not bound to any external account in CAMS, so an sms channel \
         takes no `binding`. Remove it.",
    ),
    error(
        "chanctl::schema::too_long",
        "a string is longer than CAMS allows",
        "CAMS limits channel names to 50 characters and descriptions to 150. chanctl counts \
         characters as Unicode scalar values, as the service does: an emoji counts once, \
         whatever its size in bytes.",
    ),
    error(
        "chanctl::schema::empty",
        "a string that must not be empty is empty",
        "A channel's name, and every binding value, must hold at least one character.",
    ),
    error(
        "chanctl::schema::range",
        "a number is out of its range",
        "`account.quota` is between 1 and 1,000,000, `safety.max_change_percent` between 0 \
         and 100, and `safety.min_managed` between 0 and 1,000,000. The message gives the \
         bound that was crossed.",
    ),
    error(
        "chanctl::schema::yes_no_boolean",
        "`yes`, `no`, `on` or `off` where a boolean is expected",
        "The channels file is YAML 1.2: only `true` and `false` are booleans. YAML 1.1 also \
         read `yes`, `no`, `on` and `off` (in any case) as booleans, a trap in a file people \
         review; chanctl refuses them where a boolean is expected (`protect`, `prune`) and \
         names the fix, and reads them as text everywhere else.",
    ),
    error(
        "chanctl::schema::enum",
        "a value is not one of the values its key takes",
        "Some keys take one of a fixed list of words, written exactly, in upper case: a \
         template's `category` (UTILITY, MARKETING, AUTHENTICATION), a header's `format` \
         (TEXT, IMAGE, DOCUMENT, VIDEO), a button's `type`. The help lists the values and the \
         nearest one.",
    ),
    error(
        "chanctl::schema::format",
        "a value does not have the form its key needs",
        "Ids (`waba_id`, `page_id`, `instagram_account_id`) are digits, `phone_number` is \
         E.164 (`+` then the country code and number, no spaces), `dm_account` is an \
         address, and names have no line breaks or control characters. The help shows the \
         expected form.",
    ),
    unreachable_by_fixture(
        error(
            "chanctl::schema::invalid",
            "the file breaks a schema rule chanctl has no wording for",
            "A JSON Schema rule failed that chanctl does not describe in its own words; the \
             message is the validator's. Please report it, with the file, so that it gets a \
             clearer message.",
        ),
        "a fallback for schema errors without a wording of their own; every rule of the \
         committed schema has one today",
    ),
    unreachable_by_fixture(
        error(
            "chanctl::schema::typing",
            "the file passes the schema but does not fit chanctl's model",
            "The schema and chanctl's types are generated from the same definitions, so a \
             file that passes one fits the other. This diagnostic means they disagree: \
             please report it, with the file.",
        ),
        "the schema is generated from the types, so a file cannot pass one and fail the other",
    ),
    error(
        "chanctl::vars::missing",
        "a `${VAR}` reference names a variable that is not set",
        "String values may take `${VAR}` from the environment chanctl runs in, for the \
         variables the file declares under `variables:`. The variable is declared but not \
         set. Set it, or write a literal `${` as `$${`. `validate` without --env needs the \
         variables of the file as written; with --env NAME those of NAME's overrides.",
    ),
    error(
        "chanctl::vars::undeclared",
        "a `${VAR}` reference names a variable the file does not declare",
        "A channels file reads only the variables it declares, as Terraform does, so that a \
         value written in a pull request cannot read whatever the CI job holds (its access \
         key) into a plan that the pull request shows. Declare the variable under a \
         top-level `variables:` map: `NAME: {sensitive: true, description: ...}`. Sensitive \
         is the default, and a sensitive variable may be used only in a binding; declare \
         `sensitive: false` for a value that plans may show (a description, a name).",
    ),
    error(
        "chanctl::vars::credential",
        "a variable that holds an Alibaba Cloud credential is declared or referenced",
        "chanctl reads its credentials itself (access key, security token, OIDC token) and \
         never lets a channels file read them: any value of the file can end up in a plan, \
         which pull requests show. Names starting with ALIBABA_CLOUD_, ALICLOUD_ or \
         ALIBABACLOUD_ cannot be declared nor referenced, whatever their `sensitive`. A value \
         the file needs goes in a variable of its own.",
    ),
    unreachable_by_fixture(
        error(
            "chanctl::input::credential",
            "the file holds a credential chanctl uses",
            "The text of the channels file holds the access key secret or security token that \
             chanctl signs its requests with. A credential never goes into a channels file: \
             any value there can reach a plan, which pull requests show, or the account. \
             Remove it, and rotate the key if the file was shared or committed.",
        ),
        "it needs credentials in the environment of `chanctl validate`; tests/sensitive.rs \
         runs it",
    ),
    unreachable_by_fixture(
        error(
            "chanctl::vars::credential_value",
            "a variable's value holds a credential chanctl uses",
            "A declared variable holds (or contains) the access key secret or security token \
             chanctl signs its requests with, as when a workflow copies the secret into \
             another variable. chanctl refuses to read it into the file, whatever the \
             variable's name: a credential never goes into a plan, an account or a file. Set \
             the variable to the value it is meant to hold.",
        ),
        "it needs credentials in the environment of `chanctl validate`; tests/sensitive.rs \
         runs it",
    ),
    error(
        "chanctl::vars::sensitive_shown",
        "a sensitive variable is used where plans show the value",
        "Plans (text, Markdown pull-request comments, JSON), logs and exports show every value \
         of the file as written, except binding values, which the schema marks \
         `x-sensitive` and plans redact as `(sensitive)`. A variable declared sensitive (the \
         default) may be used only there. If the value is not secret, declare the variable \
         `sensitive: false`; a name holding SECRET, TOKEN, PASSWORD or KEY must stay \
         sensitive.",
    ),
    error(
        "chanctl::vars::secret_name",
        "a variable whose name looks like a secret's is not marked `sensitive: true`",
        "A variable whose name holds SECRET, TOKEN, PASSWORD or KEY is taken to hold a secret: \
         it must be declared with `sensitive: true` written out, which keeps it to bindings, \
         whose values plans never show. Mark it so, or rename a variable that holds nothing \
         secret.",
    ),
    error(
        "chanctl::vars::declared_name",
        "a key under `variables:` is not a variable name",
        "A variable name is letters, digits and `_`, not starting with a digit, as in a shell; \
         `${NAME}` could never reference another. Rename the declaration.",
    ),
    error(
        "chanctl::vars::bad_name",
        "`${...}` holds something that is not a variable name",
        "A variable name is letters, digits and `_`, not starting with a digit. To write a \
         literal `${`, double the dollar: `$${`.",
    ),
    error(
        "chanctl::vars::unterminated",
        "`${` without a closing `}`",
        "A reference is `${NAME}`. To write a literal `${`, double the dollar: `$${`.",
    ),
    error(
        "chanctl::env::name",
        "an environment's name cannot be used",
        "Environment names become part of the sandbox file's name (.chanctl/sandbox-NAME.json) \
         and of lock files, so they are letters, digits, `-`, `_` and `.`, starting with a \
         letter or digit, at most 64 characters.",
    ),
    error(
        "chanctl::env::unknown",
        "--env names an environment the file does not define",
        "`--env NAME` (or CHANCTL_ENV) chooses one of the file's `environments:`. The file \
         does not define that one; the message lists those it does. Add it under \
         `environments:` (it may be empty: `prod: {}`) or choose another.",
    ),
    error(
        "chanctl::env::unknown_channel",
        "an environment overrides a channel the file does not declare",
        "Overrides under `environments.NAME.channels` are keyed by the channel's name as \
         declared under `channels:` (before any override renames it). The key names no \
         channel: it is misspelt, or the channel was renamed or removed.",
    ),
    error(
        "chanctl::semantic::duplicate_name",
        "two channels have the same name",
        "A channel's name is how chanctl finds it in the account, so names are unique. \
         To rename a channel, change its name and list the old one under `previously`.",
    ),
    error(
        "chanctl::semantic::resource_claimed_twice",
        "one external resource is bound to two channels",
        "A phone number, a Viber business account, a Facebook Page (for Messenger, and \
         for Instagram), an Instagram account or a DirectMail account can be bound to one \
         channel at a time in CAMS. Two channels of the file claim the same one; the second \
         label shows the first.",
    ),
    error(
        "chanctl::semantic::previously_is_current",
        "an old name in `previously` is also a current name",
        "`previously` lists a channel's old names, so that renaming it is an update rather \
         than a delete and a create. A name there that another channel still has would \
         make the two the same channel.",
    ),
    error(
        "chanctl::semantic::previously_twice",
        "two channels claim the same old name",
        "An old name in `previously` says which live channel becomes this one; two channels \
         cannot both become it. Keep it under one of them.",
    ),
    error(
        "chanctl::semantic::viber_country_twice",
        "a Viber application lists a destination country twice",
        "`destination_countries` (local) and `international_destination_countries` of a \
         Viber channel's `binding.audit` say where its messages go. A country is one or the \
         other, once; the second label shows where it is first listed.",
    ),
    error(
        "chanctl::semantic::over_quota",
        "more channels than the account's quota",
        "CAMS limits how many channels an account holds, all types together (100 unless \
         raised). The file declares more than `account.quota`; the message says by how \
         many. Remove channels, or raise the quota with Alibaba Cloud and set \
         `account.quota`.",
    ),
    error(
        "chanctl::template::unknown_language",
        "a template's language is not a documented code",
        "CAMS takes the language codes of its \"Language codes\" list (WhatsApp's supported template languages): `en`, `en_US`, `pt_BR`, `zh_CN` and so on, with an underscore and the region in upper case. The service refuses others with InvalidParameter.LanguageNotSupport. The help names the nearest documented codes.",
    ),
    error(
        "chanctl::template::duplicate",
        "a template's name and language are declared twice in one channel",
        "A template is identified by its name and language in its channel's space. Two entries of one channel's `templates` (or one entry's `language` and another's `languages`) declare the same pair; the second label shows the first. Merge them, or list the languages under one entry's `languages:`. Across the files a channel includes, the diagnostic is in the file of the second declaration and names the first as `FILE:LINE:COL`.",
    ),
    error(
        "chanctl::template::include_no_match",
        "a channel's `templates: {include: PATTERN}` matches no file",
        "`templates: {include: PATTERN}` keeps a channel's templates in other files: the pattern is a glob relative to the channels file's folder (`templates/*.yaml`, `templates/**/*.yaml`). A pattern that matches no file is an error rather than an empty list, which would make the plan delete the channel's templates under prune. Check the folder and the spelling; names are matched case-sensitively, and a leading `.` must be written.",
    ),
    error(
        "chanctl::template::include_outside",
        "an included file would be outside the channels file's folder",
        "An include pattern may only reach files under the channels file's folder: no absolute path, no `..`, and no link that leads out of it. A pull request that changes a pattern is easy to overlook in review, and must not make chanctl read `/etc/passwd` or a neighbouring project's files into a plan. Move the templates files under the channels file's folder.",
    ),
    unreachable_by_fixture(
        error(
            "chanctl::template::include_variable",
            "an included templates file holds a `${VAR}` reference",
            "`${VAR}` references are substituted in the channels file only, where `variables:` declares them. In a file that a channel includes they would be sent as written, so chanctl refuses them: write the text itself, or keep that template in the channels file.",
        ),
        "it is found in an included file, not in the fixture itself; \
         tests/template_include.rs shows it",
    ),
    error(
        "chanctl::template::include_pattern",
        "a channel's include pattern is not a glob pattern",
        "The pattern of `templates: {include: PATTERN}` is a glob: `*` and `?` match within a name, `**` matches folders, `[abc]` one of the characters. An unclosed `[` or a `**` that is not a whole path part (`a**b`) is not a pattern. Escape a literal `[` as `[[]`.",
    ),
    error(
        "chanctl::template::previously",
        "a template's old name is a current name",
        "`previously` lists the names a template had before: chanctl retires (deletes) them once the template under its new name is approved. A name there that is still this template's or another template's name in the channel would delete a template the file keeps.",
    ),
    error(
        "chanctl::template::language_form",
        "a template entry gives its language twice, or not at all",
        "A template entry is either one language, `language: en_US` with `components`, `examples` and the other content keys beside it, or several, a `languages:` map from language code to that content. An entry with both, with neither, or with content keys beside `languages` is ambiguous.",
    ),
    error(
        "chanctl::template::missing_body",
        "a template has no body",
        "Every WhatsApp template except AUTHENTICATION, and every Viber template, has a body: the message text, at most 1,024 characters. Add `body:` under `components:`.",
    ),
    error(
        "chanctl::template::auth_text",
        "an AUTHENTICATION template has body or footer text",
        "The SDK documents that in a WhatsApp AUTHENTICATION template the BODY and FOOTER components carry no text: the service writes the code message itself. Shape it with `add_secret_recommendation` (a do-not-share line above the body) and `code_expiration_minutes` (shown in the footer).",
    ),
    error(
        "chanctl::template::auth_header",
        "an AUTHENTICATION template has a header",
        "The SDK documents that an AUTHENTICATION template's components contain no HEADER. Remove `header`.",
    ),
    error(
        "chanctl::template::auth_only",
        "a key for WhatsApp AUTHENTICATION templates is used elsewhere",
        "`add_secret_recommendation` and `code_expiration_minutes` are valid only for WhatsApp templates whose category is AUTHENTICATION (the SDK's descriptions of AddSecretRecommendation and CodeExpirationMinutes). Remove them, or change the category.",
    ),
    error(
        "chanctl::template::footer_variable",
        "a template's footer holds a variable",
        "A footer is fixed text of at most 60 characters; the service refuses a variable in it (InvalidParameter.FooterHaveVariable). Move the variable to the body.",
    ),
    error(
        "chanctl::template::header_variables",
        "a text header holds more than one variable",
        "A TEXT header holds at most one variable, `{{1}}` (InvalidParameter.HeaderMoreVarable). Move the others to the body.",
    ),
    error(
        "chanctl::template::header_fields",
        "a header lacks the field its format needs, or has one it does not take",
        "A TEXT header takes `text`; an IMAGE, DOCUMENT or VIDEO header takes `url`, an example of the media, and a DOCUMENT header may take `file_name`. The message says which field is missing or out of place.",
    ),
    error(
        "chanctl::template::variable_syntax",
        "a `{{...}}` in a template text is not a numbered variable",
        "Template variables are numbered from 1: `{{1}}`, `{{2}}`, ... A name (`{{customer}}`), zero, a leading zero or spaces inside the braces are not variables, and the review refuses them.",
    ),
    error(
        "chanctl::template::variable_gap",
        "a template's variables are not numbered 1 to n without gaps",
        "The variables of a body are `{{1}}` to `{{n}}`, each number used; a text header's one variable is `{{1}}`. The message names the first missing number.",
    ),
    error(
        "chanctl::template::missing_example",
        "a template variable has no example",
        "The review needs an example value for every variable (CAMS's `Example`). Add one under `examples:`, keyed by the variable as written and quoted in YAML: `\"{{1}}\": \"Alice\"`.",
    ),
    error(
        "chanctl::template::unused_example",
        "an example is keyed by something that is not a variable of the template",
        "`examples:` is keyed by the template's variables, `\"{{1}}\"` to `\"{{n}}\"`. A key that is not a variable, or names a variable neither the header nor the body uses, is a leftover or a typo.",
    ),
    error(
        "chanctl::template::url_variables",
        "a button's URL holds more than one variable",
        "A URL button's URL may end with one variable, `https://example.com/orders/{{1}}` (a dynamic URL); the service refuses more (InvalidParameter.UrlMoreVarable).",
    ),
    error(
        "chanctl::template::button_variable",
        "a button's text holds a variable",
        "Button labels are fixed text: the service refuses a variable in them (InvalidParameter.ButtonTextHaveVariable). A URL button's URL may hold one.",
    ),
    error(
        "chanctl::template::button_field",
        "a button lacks a field its type needs, or has one it does not take",
        "Each button type takes its own fields (the SDK's button descriptions): URL `text` and `url`; PHONE_NUMBER `text` and `phone_number`; QUICK_REPLY `text` (and `is_opt_out`); COPY_CODE `text` (and `coupon_code`); ONE_TAP `text`, `autofill_text`, `package_name` and `signature_hash`; ZERO_TAP the same but `autofill_text` optional; FLOW `text` and `flow_id`. A Viber URL button under a VIDEO header takes no URL.",
    ),
    error(
        "chanctl::template::button_kind",
        "a button type is used outside the category it is for",
        "ONE_TAP and ZERO_TAP are autofill buttons of AUTHENTICATION templates (the SDK's Type description). Use them only there.",
    ),
    error(
        "chanctl::template::button_count",
        "a template has more buttons of a kind than allowed",
        "A WhatsApp MARKETING or UTILITY template has at most 10 buttons, of which one PHONE_NUMBER and two URL at most (the SDK's button rules). The label points at the first button over the limit.",
    ),
    error(
        "chanctl::template::button_order",
        "QUICK_REPLY buttons are mixed in among PHONE_NUMBER and URL buttons",
        "The SDK's button rules say QUICK_REPLY buttons cannot appear in mixed order with PHONE_NUMBER and URL buttons: keep the quick replies together, before or after the others.",
    ),
    error(
        "chanctl::template::auth_buttons",
        "an AUTHENTICATION template lacks its one code button",
        "A WhatsApp AUTHENTICATION template has exactly one button, of type COPY_CODE or ONE_TAP (the SDK's button rules), which carries the code.",
    ),
    error(
        "chanctl::template::viber_buttons",
        "a Viber template has a button other than one URL button",
        "Viber templates allow one button, of type URL (the SDK's Viber button rules).",
    ),
    error(
        "chanctl::template::viber_component",
        "a Viber template has a part only WhatsApp templates take",
        "For Viber templates the SDK documents that FOOTER and CAROUSEL components are invalid, that the HEADER holds an image, video or file and the text goes in the BODY, and that `category_change_paused` is for WhatsApp templates only.",
    ),
    error(
        "chanctl::template::card_buttons",
        "a carousel card has more than two buttons",
        "Each carousel card can have at most two buttons (the SDK's description of a card's Buttons).",
    ),
    error(
        "chanctl::template::card_count",
        "a carousel has more than ten cards",
        "Meta's media card carousel templates hold up to 10 cards (Meta's documentation; Alibaba's gives no figure). Split the carousel or remove cards.",
    ),
    error(
        "chanctl::template::ttl",
        "a template's message TTL is out of its category's range",
        "MessageSendTtlSeconds is 30 to 900 seconds for AUTHENTICATION templates and 30 to 43,200 for UTILITY ones (the SDK's description); the schema checks the wider range, this code the AUTHENTICATION one.",
    ),
    error(
        "chanctl::semantic::duplicate_number",
        "a WhatsApp number is listed twice in one binding",
        "A WhatsApp binding's `phone_numbers` lists each number of the channel once: the \
         second entry repeats the first.",
    ),
    error(
        "chanctl::schema::whatsapp_form",
        "a WhatsApp binding mixes its two forms",
        "A WhatsApp binding names one number with `phone_number` (and `verified_name` beside \
         it) or several with `phone_numbers` (each entry with its own `verified_name`), never \
         both forms at once.",
    ),
];

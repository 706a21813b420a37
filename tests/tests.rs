//! The integration tests, one binary (one link step): chanctl through its real binary, the
//! CAMS backend against the emulator over HTTP on 127.0.0.1, and the planner's properties.
//! `common` holds what they share.

mod apply_output;
mod apply_report;
mod cams_backend;
mod cams_scenarios;
mod cams_templates;
mod cli;
mod codes;
mod common;
mod connection_errors;
mod crash_safety;
mod credential_canary;
mod credentials;
mod emulator;
mod environments;
mod export_kept;
mod fault_matrix;
mod fault_matrix_files;
mod fault_matrix_templates;
mod flags_env;
#[cfg(unix)]
mod interrupt;
mod invalid_fixtures;
mod lock_cli;
mod packaging;
mod plan_estimate;
mod plan_output;
mod plan_props;
mod plan_scenarios;
mod plans_agree;
mod safety;
mod saved_plan;
mod sensitive;
mod show_plan;
mod template_include;
mod template_safety;
mod templates;
mod twins;
mod validate_formats;
mod viber_application;
mod whatsapp_number_lists;
mod whatsapp_numbers;
mod workflow_example;

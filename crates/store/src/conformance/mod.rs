//! The conformance suite every backend's tests run through `conformance_suite!`.

// The cases live one file per feature; all are re-exported here, where the macro finds them
// by name. The sample rows are in a file of their own, so that no case file and this one
// import each other.

mod accounts;
mod consents;
mod families;
mod identities;
mod limits;
mod media;
mod notices;
mod progress;
mod projects;
mod samples;
mod sections;
mod staff;
mod support;

pub use crate::jobs::conformance::*;
pub use accounts::*;
pub use consents::*;
pub use families::*;
pub use identities::*;
pub use limits::*;
pub use media::*;
pub use notices::*;
pub use progress::*;
pub use projects::*;
pub use samples::*;
pub use sections::*;
pub use staff::*;
pub use support::*;

/// Generates one test per conformance case. `$make` is an async expression giving
/// `Option<Arc<dyn Store>>`: a fresh, migrated database, or None when the backend is not
/// available (the case then passes and says so).
#[macro_export]
macro_rules! conformance_suite {
    ($make:expr) => {
        $crate::conformance_suite!(@cases $make;
            accounts_round_trip, email_and_username_are_unique, updates_write_every_field,
            erasure_removes_owned_rows, sessions_expire_and_end, mail_tokens_are_single_use,
            rate_limits_count_in_windows, unsubscribes_are_remembered, export_rows_by_owner,
            attempts_build_progress, client_attempt_ids_count_once, programs_are_stored_once_and_erased,
            a_batch_is_all_or_nothing, sections_round_trip, managed_students_are_written_together,
            leaving_erases_only_managed_students_left_alone, the_progress_grid_holds_current_members_only,
            progress_versions_follow_every_change, a_batch_reads_as_one_attempt_after_another,
            concurrent_writers_lose_nothing, client_attempt_ids_belong_to_one_level,
            the_storage_budget_is_counted_and_kept, the_level_tally_counts_learners_and_names_none,
            wrong_secrets_lock_sign_in, concurrent_guesses_never_pass_the_limit, taking_control_drops_the_secret, invitations_are_single_use,
            jobs_are_queued_once_per_key, jobs_are_claimed_when_due_and_once,
            concurrent_claimers_take_each_job_once, failed_jobs_are_retried_later_then_kept_as_dead,
            a_lapsed_lease_makes_a_job_claimable_again, claiming_with_nothing_due_writes_nothing,
            staff_members_round_trip_and_totp_steps_are_used_once, the_audit_chain_holds_after_appends,
            concurrent_appends_form_one_chain, erasure_keeps_the_audit_log,
            support_requests_are_listed_closed_and_forgotten,
            only_consenting_accounts_are_offered_to_a_purpose,
            incidents_notify_the_affected_and_their_teachers,
            notice_versions_are_numbered_and_announced,
            family_codes_link_once_and_links_end_with_the_account,
            child_controls_and_sign_up_permissions,
            parent_requests_move_once_and_outlive_the_child,
            projects_are_kept_by_their_owner, sharing_the_gallery_and_remixes,
            teachers_switch_sharing_and_hide, reports_hide_until_a_moderator_decides,
            media_rows_are_kept_within_the_allowance, erasing_an_account_queues_its_media_bytes,
            concurrent_media_never_pass_the_allowance,
            identities_are_linked_once_and_found_by_subject,
            identities_are_rechecked_and_refusal_ends_their_sessions);
    };
    (@cases $make:expr; $($case:ident),*) => {
        $(
            #[tokio::test]
            async fn $case() {
                if let Some(store) = $make.await {
                    $crate::conformance::$case(&*store).await;
                }
            }
        )*
    };
}

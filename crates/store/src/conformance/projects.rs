//! Conformance cases for projects: keeping, sharing, the gallery, remixes, the sections'
//! switch, reports and moderation.

use super::samples::{sample_account, sample_section};
use crate::*;

pub fn sample_project(id: &str, owner: &str, at: i64) -> ProjectRecord {
    ProjectRecord {
        id: id.into(),
        owner_id: owner.into(),
        kind: "sprites".into(),
        title: format!("Game {id}"),
        program: r#"{"blocks":{"blocks":[],"languageVersion":0}}"#.into(),
        sharing: "private".into(),
        share_id: None,
        shared_at: None,
        remixed_from_share_id: None,
        remixed_from_title: None,
        remixed_from_author_id: None,
        hidden_by_teacher: false,
        moderation: "none".into(),
        created_at: at,
        updated_at: at,
    }
}

fn shared(p: &ProjectRecord, sharing: &str, at: i64) -> ProjectRecord {
    ProjectRecord {
        sharing: sharing.into(),
        share_id: Some(format!("s-{}", p.id)),
        shared_at: Some(at),
        updated_at: at,
        ..p.clone()
    }
}

// promise CREATE-1: a project is kept in its owner's account, changed and deleted by them
// only, and goes with the account.
pub async fn projects_are_kept_by_their_owner(s: &dyn Store) {
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    s.insert_account(&sample_account("a2", None)).await.unwrap();
    let p1 = sample_project("p1", "a1", 10);
    s.insert_project(&p1).await.unwrap();
    s.insert_project(&sample_project("p2", "a1", 20))
        .await
        .unwrap();
    assert_eq!(s.project("p1").await.unwrap(), Some(p1.clone()));
    let ids: Vec<_> = s
        .projects_of("a1")
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(ids, ["p2", "p1"], "last changed first");
    assert_eq!(s.count_projects_of("a1").await.unwrap(), 2);
    assert_eq!(s.count_projects_of("a2").await.unwrap(), 0);

    let renamed = ProjectRecord {
        title: "Renamed".into(),
        updated_at: 30,
        ..p1.clone()
    };
    s.update_project(&renamed).await.unwrap();
    assert_eq!(s.project("p1").await.unwrap(), Some(renamed));
    // Another account cannot write or delete it.
    s.update_project(&ProjectRecord {
        owner_id: "a2".into(),
        title: "Taken".into(),
        ..p1.clone()
    })
    .await
    .unwrap();
    assert_eq!(s.project("p1").await.unwrap().unwrap().title, "Renamed");
    assert!(!s.delete_project("p1", "a2").await.unwrap());
    assert!(s.delete_project("p1", "a1").await.unwrap());
    assert_eq!(s.project("p1").await.unwrap(), None);

    s.erase_account("a1").await.unwrap();
    assert_eq!(
        s.project("p2").await.unwrap(),
        None,
        "erased with the account"
    );
}

// promise CREATE-2: only what the owner shares is seen, in the gallery only when they chose
// it, newest first, and a remix keeps its credit after the original's author is erased.
pub async fn sharing_the_gallery_and_remixes(s: &dyn Store) {
    for a in ["a1", "a2", "a3"] {
        s.insert_account(&sample_account(a, None)).await.unwrap();
    }
    let private = sample_project("p0", "a1", 5);
    s.insert_project(&private).await.unwrap();
    let link = shared(&sample_project("p1", "a1", 10), "link", 11);
    let g1 = shared(&sample_project("p2", "a1", 10), "gallery", 12);
    let g2 = ProjectRecord {
        kind: "artist".into(),
        ..shared(&sample_project("p3", "a2", 10), "gallery", 13)
    };
    for p in [&link, &g1, &g2] {
        s.insert_project(p).await.unwrap();
    }
    let seen = s.shared_project("s-p1").await.unwrap().unwrap();
    assert_eq!(seen.project, link);
    assert_eq!(seen.author_display_name, "Coder a1");
    assert_eq!(seen.remix_count, 0);
    assert!(s.project_by_share_id("s-p1").await.unwrap().is_some());

    let gallery = |kind: Option<&'static str>, before: Option<GalleryCursor>| async move {
        s.gallery(kind, before.as_ref(), 10)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.project.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        gallery(None, None).await,
        ["p3", "p2"],
        "newest first, gallery only"
    );
    assert_eq!(gallery(Some("sprites"), None).await, ["p2"]);
    let after_first = GalleryCursor {
        shared_at: 13,
        share_id: "s-p3".into(),
    };
    assert_eq!(gallery(None, Some(after_first)).await, ["p2"]);
    assert_eq!(s.gallery(None, None, 1).await.unwrap().len(), 1, "bounded");

    // Private again at once.
    s.update_project(&ProjectRecord {
        sharing: "private".into(),
        ..link.clone()
    })
    .await
    .unwrap();
    assert_eq!(s.shared_project("s-p1").await.unwrap(), None);

    // A remix credits its original, and keeps the credit without the author.
    let remix = ProjectRecord {
        remixed_from_share_id: Some("s-p2".into()),
        remixed_from_title: Some(g1.title.clone()),
        remixed_from_author_id: Some("a1".into()),
        ..sample_project("p4", "a3", 20)
    };
    s.insert_project(&remix).await.unwrap();
    assert_eq!(
        s.shared_project("s-p2").await.unwrap().unwrap().remix_count,
        1
    );
    s.erase_account("a1").await.unwrap();
    let kept = s.project("p4").await.unwrap().unwrap();
    assert_eq!(kept.remixed_from_author_id, None);
    assert_eq!(kept.remixed_from_title, Some(g1.title.clone()));
    assert_eq!(kept.remixed_from_share_id.as_deref(), Some("s-p2"));
}

// promise CREATE-2: a section's teachers can stop its students from sharing, which hides
// what they share, and hide one project themselves.
pub async fn teachers_switch_sharing_and_hide(s: &dyn Store) {
    s.insert_account(&sample_account("t1", None)).await.unwrap();
    s.insert_account(&sample_account("a1", None)).await.unwrap();
    s.insert_section(&sample_section("c1", "CODE1"), "t1")
        .await
        .unwrap();
    s.add_student("c1", "a1", 5).await.unwrap();
    let g = shared(&sample_project("p1", "a1", 10), "gallery", 11);
    s.insert_project(&g).await.unwrap();
    assert!(!s.sharing_blocked("a1").await.unwrap());
    assert!(s.section_sharing_allowed("c1").await.unwrap());
    assert!(s.section("c1").await.unwrap().unwrap().sharing_allowed);

    s.set_section_sharing("c1", false).await.unwrap();
    assert!(!s.section("c1").await.unwrap().unwrap().sharing_allowed);
    assert!(s.sharing_blocked("a1").await.unwrap());
    assert_eq!(s.shared_project("s-p1").await.unwrap(), None);
    assert!(s.gallery(None, None, 10).await.unwrap().is_empty());
    let shares = s.section_shares("c1").await.unwrap();
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0].student_display_name, "Coder a1");
    assert!(!shares[0].visible);

    s.set_section_sharing("c1", true).await.unwrap();
    assert!(s.shared_project("s-p1").await.unwrap().is_some());
    s.set_hidden_by_teacher("p1", true).await.unwrap();
    assert_eq!(s.shared_project("s-p1").await.unwrap(), None);
    assert!(s.project("p1").await.unwrap().unwrap().hidden_by_teacher);
    s.set_hidden_by_teacher("p1", false).await.unwrap();
    assert!(s.section_shares("c1").await.unwrap()[0].visible);
}

fn report(project: &str, account: Option<&str>, ip: Option<&str>, trusted: bool) -> ReportRecord {
    ReportRecord {
        project_id: project.into(),
        reporter_account_id: account.map(str::to_owned),
        reporter_ip_hash: ip.map(str::to_owned),
        trusted,
        reason: "inappropriate".into(),
        details: None,
        created_at: 100,
    }
}

// Three different reporters, or one trusted, hide a project until a moderator decides; a
// restore starts the count again.
pub async fn reports_hide_until_a_moderator_decides(s: &dyn Store) {
    for a in ["a1", "r1", "r2"] {
        s.insert_account(&sample_account(a, None)).await.unwrap();
    }
    s.insert_project(&shared(&sample_project("p1", "a1", 10), "gallery", 11))
        .await
        .unwrap();
    assert!(
        !s.add_report(&report("p1", Some("r1"), None, false), 3)
            .await
            .unwrap()
    );
    // The same reporter again counts once.
    assert!(
        !s.add_report(&report("p1", Some("r1"), None, false), 3)
            .await
            .unwrap()
    );
    assert!(
        !s.add_report(&report("p1", None, Some("ip1"), false), 3)
            .await
            .unwrap()
    );
    assert!(s.shared_project("s-p1").await.unwrap().is_some());
    let open = s.open_reports(10).await.unwrap();
    assert_eq!(open.len(), 2);
    assert!(
        s.add_report(&report("p1", Some("r2"), None, false), 3)
            .await
            .unwrap()
    );
    assert_eq!(s.shared_project("s-p1").await.unwrap(), None, "hidden");

    s.moderate("p1", "restored", 200).await.unwrap();
    assert!(s.shared_project("s-p1").await.unwrap().is_some());
    assert!(s.open_reports(10).await.unwrap().is_empty(), "decided");
    assert!(
        !s.add_report(&report("p1", Some("r1"), None, false), 3)
            .await
            .unwrap(),
        "counted again"
    );
    assert!(
        s.add_report(&report("p1", Some("r2"), None, true), 3)
            .await
            .unwrap(),
        "one trusted"
    );
    s.moderate("p1", "hidden", 300).await.unwrap();
    assert_eq!(s.shared_project("s-p1").await.unwrap(), None);
    assert_eq!(s.project("p1").await.unwrap().unwrap().moderation, "hidden");
}

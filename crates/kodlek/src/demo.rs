//! `kodlek demo`: a demo teacher with two sections of students at varied stages, so that a
//! newcomer sees a living dashboard in one command.

use kodlek_domain::{Millis, Role, now_millis};
use kodlek_puzzles::{Submission, catalog, judge};
use kodlek_services::{Mail, MailError, Mailer};
use kodlek_store::{NewAttempt, SessionRecord, new_id};
use kodlek_web::AppState;
use kodlek_web::accounts::{self, SignUp};
use kodlek_web::classrooms::{self as sections, NewSection, NewStudents};
use kodlek_web::extract::{Lang, SignedIn};
use rand::Rng;
use rand::seq::SliceRandom;
use serde_json::{Value, json};
use std::future::Future;
use std::pin::Pin;

pub const TEACHER_EMAIL: &str = "demo.teacher@example.org";
const MINUTE: Millis = 60 * 1000;

const CLASS_2B: [&str; 30] = [
    "Alva", "Bilal", "Cleo", "Dante", "Ebba", "Farah", "Gustav", "Hugo", "Ines", "Jonna", "Kian",
    "Leo", "Maja", "Nils", "Olivia", "Pim", "Rut", "Sami", "Tilda", "Ulrik", "Vide", "Wera",
    "Yusuf", "Zara", "Aron", "Bianca", "Colin", "Disa", "Emil", "Fanny",
];
const CODING_CLUB: [&str; 30] = [
    "Tove", "Ugo", "Vera", "Wilma", "Xander", "Yara", "Zeb", "Ada", "Bo", "Cyrus", "Dalia", "Elis",
    "Felix", "Greta", "Hamid", "Idun", "Joel", "Klara", "Liam", "Mira", "Noah", "Oda", "Paulo",
    "Quinn", "Ronja", "Selma", "Theo", "Ursula", "Viggo", "Ylva",
];

/// One section the demo made: its name, its sign-in address, its kind of secret, and one of
/// its students with their secret, for the example printed.
pub struct DemoSection {
    pub name: String,
    pub sign_in_url: String,
    pub kind: String,
    pub example: (String, String),
}

/// What the demo made, for the instructions it prints.
pub struct Demo {
    pub password: String,
    pub sections: Vec<DemoSection>,
}

/// The demo's mail: none. Its teacher is confirmed at once, so the confirmation mail that
/// signing up sends would only wait unread in the outbox.
pub struct NoMail;

impl Mailer for NoMail {
    // The form `#[async_trait]` gives the trait's method.
    fn send<'life0, 'async_trait>(
        &'life0 self,
        _mail: Mail,
    ) -> Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + 'async_trait>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async { Ok(()) })
    }
}

/// A program that runs and does nothing: judged as a failure on every puzzle level.
fn empty_program() -> Value {
    json!({"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "start", "x": 20, "y": 20}]}})
}

fn random_password(rng: &mut impl Rng) -> String {
    let words = [
        "maple", "otter", "rocket", "lantern", "pebble", "comet", "harbour", "meadow",
    ];
    let mut w: Vec<&str> = words.choose_multiple(rng, 3).copied().collect();
    let n = rng.gen_range(10..100).to_string();
    w.push(&n);
    w.join("-")
}

fn signed_in(account: kodlek_store::AccountRecord) -> SignedIn {
    let now = now_millis();
    SignedIn {
        session: SessionRecord {
            token_hash: String::new(),
            account_id: account.id.clone(),
            created_at: now,
            last_seen_at: now,
            expires_at: now,
            persistent: false,
        },
        account,
    }
}

/// The demo teacher: created on the first run; on a later run given a new password.
async fn teacher(state: &AppState, password: &str) -> anyhow::Result<SignedIn> {
    let lookup = state
        .keys
        .email_lookup_candidates(&kodlek_domain::EmailAddress::new(TEACHER_EMAIL).unwrap());
    let mut account = match state.store.account_by_email_lookup(&lookup).await? {
        Some(a) if a.role == Role::Teacher => a,
        Some(_) => anyhow::bail!("{TEACHER_EMAIL} belongs to an account that is not a teacher"),
        None => accounts::sign_up(
            state,
            SignUp {
                role: "teacher".into(),
                display_name: "Ms Demo".into(),
                email: TEACHER_EMAIL.into(),
                password: password.into(),
                age: None,
                gender: None,
                school_name: Some("Demo School".into()),
                school_address: None,
                remember_me: false,
                parent_email: None,
            },
            Lang::En,
            [127, 0, 0, 1].into(),
        )
        .await
        .map_err(|e| anyhow::anyhow!(e.message))?,
    };
    // A second run starts afresh: the demo's old sections (and their students) go.
    for s in state.store.sections_taught_by(&account.id).await? {
        state.store.delete_section(&s.id).await?;
    }
    account.email_verified = true;
    account.password_hash = Some(state.hasher.hash(password).await?);
    account.updated_at = now_millis();
    state.store.update_account(&account).await?;
    Ok(signed_in(account))
}

/// Attempts of one student on a course: solved levels up to `reached`, a few failures on the
/// way, and on the level after it a number of failed tries (the stuck ones need help).
fn attempts_for(
    student_id: &str,
    course_id: &str,
    reached: usize,
    stuck_tries: usize,
    start: Millis,
    rng: &mut impl Rng,
) -> Vec<NewAttempt> {
    let levels = catalog().levels_of(course_id);
    let mut at = start;
    let mut out = Vec::new();
    let mut record = |level: &kodlek_puzzles::Level,
                      program: Option<Value>,
                      answer: Option<&str>,
                      at: Millis| {
        let submission = match (&program, answer) {
            (Some(p), _) => Submission::Program(p),
            (None, Some(a)) => Submission::Answer(a),
            (None, None) => return,
        };
        // The server's own verdict, as for any attempt.
        let Ok(verdict) = judge(level, submission) else {
            return;
        };
        out.push(NewAttempt {
            id: new_id(),
            account_id: student_id.to_owned(),
            level_id: level.id.clone(),
            at,
            status: verdict.status.as_str().to_owned(),
            program: program.as_ref().map(kodlek_web::puzzles::stored_program),
            answer: answer.map(str::to_owned),
            client_attempt_id: None,
        });
    };
    for (i, level) in levels.iter().enumerate() {
        if i > reached {
            break;
        }
        let prompt = level.reference_solution().is_none();
        if i == reached {
            for _ in 0..stuck_tries {
                at += rng.gen_range(1..4) * MINUTE;
                if !prompt {
                    record(level, Some(empty_program()), None, at);
                }
            }
            break;
        }
        if prompt {
            at += rng.gen_range(2..6) * MINUTE;
            record(
                level,
                None,
                Some("I learned that a loop repeats blocks, so my program got shorter."),
                at,
            );
            continue;
        }
        for _ in 0..rng.gen_range(0..3) {
            at += rng.gen_range(1..3) * MINUTE;
            record(level, Some(empty_program()), None, at);
        }
        at += rng.gen_range(1..4) * MINUTE;
        record(level, level.reference_solution().cloned(), None, at);
    }
    out
}

async fn class(
    state: &AppState,
    me: &SignedIn,
    name: &str,
    course_id: &str,
    login_type: &str,
    names: &[&str],
    rng: &mut impl Rng,
) -> anyhow::Result<DemoSection> {
    let err = |e: kodlek_web::error::ApiError| anyhow::anyhow!("{}: {}", e.code, e.message);
    let section = sections::create(
        state,
        me,
        NewSection {
            name: name.into(),
            course_id: course_id.into(),
            login_type: login_type.into(),
        },
    )
    .await
    .map_err(err)?;
    let created = sections::add_students(
        state,
        me,
        &section.id,
        NewStudents {
            names: names.iter().map(|n| n.to_string()).collect(),
            school_permission: true,
        },
        Lang::En,
    )
    .await
    .map_err(err)?;
    let levels = catalog().levels_of(course_id).len();
    let start = now_millis() - 3 * 24 * 60 * MINUTE;
    for (i, c) in created.iter().enumerate() {
        // From just begun to nearly done; every fifth student is stuck on their next level.
        let reached = rng.gen_range(1..levels);
        let stuck = if i % 5 == 2 {
            rng.gen_range(6..10)
        } else {
            rng.gen_range(0..2)
        };
        let batch = attempts_for(&c.student.id, course_id, reached, stuck, start, rng);
        state.store.record_attempts(&batch).await?;
    }
    let first = &created[0];
    Ok(DemoSection {
        name: section.name,
        sign_in_url: sections::sign_in_url(state, &section.code),
        kind: login_type.to_owned(),
        example: (
            first.student.display_name.clone(),
            first.secret.value.clone(),
        ),
    })
}

/// Fills the database with the demo teacher and two sections of 30 students: one signs in
/// with secret pictures, the other with secret words.
pub async fn load(state: &AppState) -> anyhow::Result<Demo> {
    let mut rng = rand::thread_rng();
    let password = random_password(&mut rng);
    let me = teacher(state, &password).await?;
    let pictures = class(
        state,
        &me,
        "Class 2B (demo)",
        "maze-intro",
        "picture",
        &CLASS_2B,
        &mut rng,
    )
    .await?;
    let words = class(
        state,
        &me,
        "Coding club (demo)",
        "artist-intro",
        "word",
        &CODING_CLUB,
        &mut rng,
    )
    .await?;
    Ok(Demo {
        password,
        sections: vec![pictures, words],
    })
}

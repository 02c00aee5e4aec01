//! Fuzzes the storage round trip of an attempt's program: any text read as a program, written
//! in its canonical stored form, and read back by the flat reader and by serde_json. The
//! stored form must be written the same way again, never be deeper than its blocks make it,
//! stay within the stored limits, and get the verdict the sent program got (block ids apart).
#![no_main]

use kodlek_puzzles::{
    Doc, MAX_NESTING, MAX_PROGRAM_BYTES, Submission, Verdict, canonical_program, catalog, judge,
};
use libfuzzer_sys::fuzz_target;

/// The deepest nesting of lists and objects in a JSON text.
fn depth(text: &str) -> usize {
    let (mut d, mut max, mut in_str, mut escaped) = (0usize, 0usize, false, false);
    for c in text.bytes() {
        match (in_str, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_str = false,
            (true, ..) => {}
            (false, _, b'"') => in_str = true,
            (false, _, b'[' | b'{') => {
                d += 1;
                max = max.max(d);
            }
            (false, _, b']' | b'}') => d = d.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// A verdict without the block ids of its trace, which the stored form does not keep.
fn without_ids(v: &Result<Verdict, kodlek_puzzles::Invalid>) -> String {
    match v {
        Err(e) => format!("invalid {}", e.code),
        Ok(v) => {
            let mut trace = serde_json::to_value(&v.trace).expect("a trace serialises");
            if let Some(steps) = trace.as_array_mut() {
                for step in steps {
                    if let Some(o) = step.as_object_mut() {
                        o.remove("block");
                    }
                }
            }
            format!("{:?} {:?} {:?} {trace}", v.status, v.reason, v.blocks_used)
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(sent) = Doc::parse(text) else {
        return;
    };
    let Ok(stored) = canonical_program(sent.root()) else {
        return;
    };
    assert!(stored.len() <= MAX_PROGRAM_BYTES);
    let back = Doc::parse(&stored).expect("the stored form is JSON");
    assert_eq!(
        canonical_program(back.root()).as_ref(),
        Ok(&stored),
        "written again, the same"
    );
    let blocks = stored.matches("\"type\":").count();
    assert!(depth(&stored) <= 2 * blocks + MAX_NESTING + 4, "{stored}");
    // serde_json's own nesting limit (128) refuses deeper texts; below it, it must agree.
    if depth(&stored) < 128 {
        let v: serde_json::Value = serde_json::from_str(&stored).expect("serde_json reads it");
        assert_eq!(v.to_string(), stored, "keys in serde_json's order");
    }
    for id in ["maze-9", "artist-3"] {
        let Some((_, level)) = catalog().level(id) else {
            panic!("{id} is shipped");
        };
        let a = judge(level, Submission::Json(sent.root()));
        let b = judge(level, Submission::Json(back.root()));
        assert_eq!(without_ids(&a), without_ids(&b), "{stored}");
    }
});

//! The OpenAPI document at `/api/openapi.json`, generated from the handlers and types.

use crate::AppState;
use axum::Router;
use axum::routing::get;
use kodlek_domain::Age;
use serde_json::{Value, json};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kodlek API",
        version = "1",
        description = "The JSON API of Kodlek, a computer-science learning platform for schools."
    ),
    paths(crate::kit::site::healthz,),
    components(schemas(
        crate::kit::error::ErrorBody,
        crate::kit::error::ErrorDetail,
        crate::accounts::Me
    ))
)]
pub struct ApiDoc;

/// `/api/openapi.json`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(served))
}

/// Built on the first request and kept: the handlers and the catalog (the school's own
/// courses included, added before the server starts) do not change while it runs.
async fn served() -> impl axum::response::IntoResponse {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let text = TEXT.get_or_init(|| document().to_string());
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        text.as_str(),
    )
}

/// The document: the site's own operations and each feature's, then the statuses and error
/// codes every operation lists.
pub fn document() -> Value {
    let mut api = ApiDoc::openapi();
    api.merge(crate::accounts::Api::openapi());
    api.merge(crate::puzzles::Api::openapi());
    api.merge(crate::classrooms::Api::openapi());
    api.merge(crate::staff::Api::openapi());
    api.merge(crate::research::Api::openapi());
    api.merge(crate::support::Api::openapi());
    api.merge(crate::notices::Api::openapi());
    api.merge(crate::families::Api::openapi());
    api.merge(crate::creations::Api::openapi());
    api.merge(crate::media::Api::openapi());
    api.merge(crate::sso::Api::openapi());
    let mut doc = serde_json::to_value(api).expect("the document serialises");
    complete_responses(&mut doc);
    optional_empty_bodies(&mut doc);
    strict_request_bodies(&mut doc);
    name_the_catalog(&mut doc);
    doc
}

/// A body whose fields are all optional may be left out: the server reads no body as `{}`.
fn optional_empty_bodies(doc: &mut Value) {
    let schemas = doc["components"]["schemas"].clone();
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        for op in item
            .as_object_mut()
            .into_iter()
            .flat_map(|o| o.values_mut())
        {
            let Some(body) = op.get_mut("requestBody") else {
                continue;
            };
            let mut schema = &body["content"]["application/json"]["schema"];
            if let Some(name) = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
                schema = &schemas[name];
            }
            let none_required = schema["required"].as_array().is_none_or(|r| r.is_empty());
            if none_required {
                body["required"] = json!(false);
            }
        }
    }
}

/// Request bodies take no field they do not name (422 `unknown_field`), and no text holds
/// U+0000 (422 `invalid_field`): the schemas say so, down to the objects inside them. A
/// program is Blockly's own JSON and keeps its open shape.
fn strict_request_bodies(doc: &mut Value) {
    let mut todo: Vec<String> = Vec::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            collect_refs(&op["requestBody"], &mut todo);
        }
    }
    // Path and query values are refused with U+0000 too (by the layer in front of every
    // handler), so their schemas say so.
    for item in doc["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|p| p.values_mut())
    {
        for op in item
            .as_object_mut()
            .into_iter()
            .flat_map(|o| o.values_mut())
        {
            // `get_mut`, not indexing: indexing a missing key would write `null` into it.
            let params = op.get_mut("parameters").and_then(Value::as_array_mut);
            for param in params.into_iter().flatten() {
                if let Some(schema) = param.get_mut("schema") {
                    no_nul(schema);
                }
            }
        }
    }
    let mut done: Vec<String> = Vec::new();
    while let Some(name) = todo.pop() {
        if done.contains(&name) {
            continue;
        }
        let schema = &mut doc["components"]["schemas"][&name];
        if schema["type"] == "object" {
            schema["additionalProperties"] = json!(false);
        }
        // `get_mut`, not indexing: a schema without properties (a binary string) gets none.
        if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            for (field, p) in props.iter_mut() {
                limits_of(field, p);
                no_nul(p);
            }
        }
        collect_refs(schema, &mut todo);
        done.push(name);
    }
}

/// Text that is not empty once trimmed and holds no control character.
const VISIBLE_TEXT: &str =
    "^[^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x1f\\x7f-\\x9f]*$";

/// Empty, blank, or text as above.
const OPTIONAL_TEXT: &str =
    "^(\\s*|[^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x1f\\x7f-\\x9f]*)$";

/// Text without U+0000 that is not all blank, the blank characters named one by one as
/// `support::BLANK` has them, since validators disagree on what `\s` means.
const SUPPORT_MESSAGE: &str = "^[^\\u0000]*[^\\u0000\\t\\n\\u000b\\u000c\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000]*$";

/// An address as the domain's `EmailAddress` takes it, in ASCII: a dot-atom of at most 64
/// characters, `@`, and a host name of two labels or more.
const EMAIL: &str = concat!(
    "^(?=[^@]{1,64}@)",
    "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*",
    "@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
);

/// The limits of the fields that request bodies share, as the domain's types check them, so
/// that a client knows them before it sends a value.
fn limits_of(field: &str, p: &mut Value) {
    let text =
        |min: u64, max: u64| json!({"minLength": min, "maxLength": max, "pattern": VISIBLE_TEXT});
    let limits = match field {
        "display_name" => text(1, 40),
        "name" => text(1, 60),
        // Empty or blank means none.
        "school_name" | "school_address" => json!({"maxLength": 200, "pattern": OPTIONAL_TEXT}),
        "password" => json!({"minLength": 8, "maxLength": 128}),
        "current_password" => json!({"maxLength": 1024}),
        "email" | "reply_to" => json!({
            "maxLength": 254,
            "pattern": EMAIL
        }),
        "username" => json!({"pattern": "^[A-Za-z0-9._-]{3,32}$"}),
        // A support request's message: any text but U+0000, not all blank.
        "message" => {
            json!({"minLength": 1, "maxLength": crate::support::MESSAGE_CHARS, "pattern": SUPPORT_MESSAGE})
        }
        "age" => json!({"minimum": Age::MIN, "maximum": Age::MAX}),
        "role" => json!({"enum": ["student", "teacher", "parent"]}),
        "gender" => json!({"enum": ["female", "male", "nonbinary", "unspecified"]}),
        "login_type" => json!({"enum": ["email", "word", "picture"]}),
        "names" => {
            json!({"minItems": 1, "maxItems": crate::classrooms::BULK_LIMIT, "items": text(1, 40)})
        }
        _ => return,
    };
    let nullable = p["type"]
        .as_array()
        .is_some_and(|t| t.iter().any(|x| x == "null"));
    for (k, v) in limits.as_object().expect("an object of limits") {
        if k == "enum" && nullable {
            let mut values = v.clone();
            values.as_array_mut().expect("a list").push(Value::Null);
            p[k] = values;
        } else {
            p[k] = v.clone();
        }
    }
}

/// A text without U+0000; a list of texts likewise.
fn no_nul(p: &mut Value) {
    let is_text = p["type"] == "string"
        || p["type"]
            .as_array()
            .is_some_and(|t| t.iter().any(|x| x == "string"));
    if is_text && p.get("pattern").is_none() && p.get("enum").is_none() {
        p["pattern"] = json!("^[^\\u0000]*$");
    }
    if let Some(items) = p.get_mut("items") {
        no_nul(items);
    }
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                out.extend(r.rsplit('/').next().map(str::to_owned));
            }
            m.values().for_each(|x| collect_refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// Course and level ids are the catalog's: the document lists them, so that a client (or a
/// generated test) knows which ids exist without guessing.
fn name_the_catalog(doc: &mut Value) {
    let catalog = kodlek_puzzles::catalog();
    let courses: Vec<_> = catalog.courses().iter().map(|c| c.id.clone()).collect();
    let levels: Vec<_> = catalog
        .courses()
        .iter()
        .flat_map(|c| {
            c.lessons
                .iter()
                .flat_map(|l| l.levels.iter().map(|v| v.id.clone()))
        })
        .collect();
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    for schema in schemas.values_mut() {
        for (field, ids) in [("course_id", &courses), ("level_id", &levels)] {
            let Some(p) = schema
                .get_mut("properties")
                .and_then(|props| props.get_mut(field))
            else {
                continue;
            };
            let nullable = p["type"]
                .as_array()
                .is_some_and(|t| t.iter().any(|x| x == "null"));
            if p["type"] == "string" || nullable {
                let mut values = json!(ids);
                if nullable {
                    values.as_array_mut().expect("a list").push(Value::Null);
                }
                p["enum"] = values;
            }
        }
    }
}

/// The error codes the shared kit can answer on any operation, whatever its handler does:
/// the extractors, the security layers and the load shedding in front of every handler.
fn kit_errors(
    path: &str,
    method: &str,
    op: &Value,
) -> Vec<(&'static str, &'static [&'static str])> {
    let mut out: Vec<(&'static str, &'static [&'static str])> = vec![
        // A path segment or query value (`?lang=` is read everywhere) holding U+0000.
        ("422", &["invalid_field"]),
        ("500", &["internal"]),
        ("503", &["overloaded"]),
    ];
    if op.get("requestBody").is_some() {
        out.push(("400", &["malformed_json"]));
        out.push(("413", &["too_large"]));
        out.push(("422", &["unknown_field", "invalid_field"]));
    }
    if matches!(method, "post" | "put" | "patch" | "delete") {
        out.push(("403", &["cross_site_request"]));
    }
    let has_query = op["parameters"]
        .as_array()
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
    if path.contains('{') {
        out.push(("400", &["malformed_path"]));
    }
    if has_query {
        out.push(("400", &["bad_request"]));
    }
    if path.contains('{') {
        out.push(("404", &["not_found"]));
    }
    out
}

/// The code an error answer of this status has when its description names none.
fn usual_code(status: &str) -> &'static str {
    match status {
        "400" => "bad_request",
        "401" => "not_signed_in",
        "403" => "forbidden",
        "404" => "not_found",
        "409" => "conflict",
        "413" => "too_large",
        "422" => "invalid_field",
        "429" => "rate_limited",
        "503" => "overloaded",
        _ => "internal",
    }
}

/// The codes named in a description, each written as `snake_case` in backticks.
fn codes_in(description: &str) -> Vec<String> {
    description
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| {
            !w.is_empty()
                && w.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                && w.contains('_')
                || matches!(*w, "internal" | "forbidden" | "overloaded")
        })
        .map(str::to_owned)
        .collect()
}

/// Makes every operation tell the truth about its errors: each status it can answer, with the
/// error body, and the codes of each in `x-error-codes`, so that a client generated from the
/// document knows them all. A handler's own annotation names its specific statuses and codes
/// (in its descriptions, in backticks); what every operation shares is added here.
fn complete_responses(doc: &mut Value) {
    let error_body =
        json!({"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}});
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let kit = kit_errors(path, method, op);
            let responses = op["responses"]
                .as_object_mut()
                .expect("every operation has responses");
            for (status, resp) in responses.iter_mut() {
                if !status.starts_with('4') && !status.starts_with('5') {
                    continue;
                }
                let mut codes = codes_in(resp["description"].as_str().unwrap_or(""));
                if codes.is_empty() {
                    codes.push(usual_code(status).to_owned());
                }
                resp["x-error-codes"] = json!(codes);
            }
            for (status, codes) in kit {
                let resp = responses.entry(status).or_insert_with(|| {
                    json!({"description": "An error; `x-error-codes` lists its codes", "x-error-codes": []})
                });
                let list = resp["x-error-codes"]
                    .as_array_mut()
                    .expect("a list of codes");
                for c in codes {
                    if !list.iter().any(|x| x == c) {
                        list.push(json!(c));
                    }
                }
            }
            for (status, resp) in responses.iter_mut() {
                if (status.starts_with('4') || status.starts_with('5'))
                    && resp.get("content").is_none()
                {
                    resp["content"] = error_body.clone();
                }
            }
        }
    }
}

//! Media on both database backends, each on the local directory and on an S3-compatible
//! bucket: uploads recognised by content, cleaned of metadata (real files made here), bounded,
//! refused to children, shown to their owner and inside shared projects only, and erased.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{Answer, TestApp, contains};
use kodlek_web::media::{Media, SharedProgram, SharedProjects};
use serde_json::{Value, json};
use std::sync::Arc;

const PW: &str = "correct horse battery";

/// The S3-compatible bucket for tests: `KODLEK_TEST_MEDIA_URL=s3://bucket/prefix` with the
/// usual `AWS_*` variables; None (and a line saying so) without it.
fn s3_media() -> Option<Media> {
    let Ok(url) = std::env::var("KODLEK_TEST_MEDIA_URL") else {
        println!("s3 media tests: skipped (KODLEK_TEST_MEDIA_URL is not set)");
        return None;
    };
    // A prefix per test: the tests share the bucket.
    let url = format!("{}/t-{}", url.trim_end_matches('/'), kodlek_store::new_id());
    let files = kodlek_services::MediaFiles::s3(&url).expect("the test bucket");
    println!("s3 media tests: ran");
    Some(Media::new(files))
}

/// The app with its media in the bucket instead of the local directory.
fn on_s3(mut app: TestApp) -> Option<TestApp> {
    // The bucket instead of the directory; shared projects as the server wires them.
    app.state.media = s3_media()?.with_projects(std::sync::Arc::new(
        kodlek_web::creations::SharedPrograms(app.state.store.clone()),
    ));
    app.router = kodlek_web::router(app.state.clone());
    Some(app)
}

/// Runs each case on SQLite and PostgreSQL, each with local files and with the bucket.
macro_rules! on_every_store {
    ($($name:ident),* $(,)?) => {
        mod sqlite_local {
            $( #[tokio::test] async fn $name() { super::$name(super::TestApp::sqlite().await).await; } )*
        }
        mod sqlite_s3 {
            $( #[tokio::test] async fn $name() {
                if let Some(app) = super::on_s3(super::TestApp::sqlite().await) { super::$name(app).await; }
            } )*
        }
        mod postgres_local {
            $( #[tokio::test] async fn $name() {
                if let Some(app) = super::TestApp::postgres().await { super::$name(app).await; }
            } )*
        }
        mod postgres_s3 {
            $( #[tokio::test] async fn $name() {
                if let Some(app) = super::TestApp::postgres().await
                    && let Some(app) = super::on_s3(app) { super::$name(app).await; }
            } )*
        }
    };
}

on_every_store!(
    a_photo_loses_its_gps_position,
    a_png_loses_its_text_chunks,
    an_mp3_loses_its_id3_tags,
    a_wav_loses_its_info_chunk,
    an_ogg_loses_its_comments,
    files_that_lie_about_their_type_are_refused,
    files_over_five_megabytes_are_refused,
    a_child_cannot_upload,
    the_allowance_is_kept,
    files_are_shown_to_their_owner_only,
    shared_projects_show_the_files_they_use,
    a_real_shared_project_shows_its_file_while_shared,
    erasing_the_account_erases_the_bytes,
    the_export_lists_the_files,
    every_media_route_for_every_role,
    uploads_beyond_the_bound_are_shed,
    the_page_speaks_english_and_swedish,
);

// --- files made here ------------------------------------------------------------------

/// PNG's and zlib's CRC-32.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn picture(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 13 % 256) as u8,
            ((x + y) % 256) as u8,
        ])
    })
}

/// A JPEG whose EXIF holds a GPS position (59°19'45.12"N) and the camera's owner.
fn jpeg_with_gps() -> Vec<u8> {
    let mut plain = Vec::new();
    picture(64, 48)
        .write_to(
            &mut std::io::Cursor::new(&mut plain),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    // TIFF, big-endian: IFD0 with Artist and a pointer to the GPS IFD.
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    let artist = b"Owner Secretsson\0";
    // IFD0 at 8: 2 entries (2 + 24 + 4 bytes) = 30; Artist text at 38; GPS IFD after it.
    let artist_at = 8 + 2 + 2 * 12 + 4;
    let gps_at = artist_at + artist.len() as u32;
    tiff.extend(2u16.to_be_bytes());
    tiff.extend([0x01, 0x3B, 0, 2]); // Artist, ASCII
    tiff.extend((artist.len() as u32).to_be_bytes());
    tiff.extend(artist_at.to_be_bytes());
    tiff.extend([0x88, 0x25, 0, 4]); // GPSInfo, LONG
    tiff.extend(1u32.to_be_bytes());
    tiff.extend(gps_at.to_be_bytes());
    tiff.extend(0u32.to_be_bytes());
    tiff.extend(artist);
    // GPS IFD: LatitudeRef "N", Latitude 59/1 19/1 4512/100.
    let rationals_at = gps_at + 2 + 2 * 12 + 4;
    tiff.extend(2u16.to_be_bytes());
    tiff.extend([0, 1, 0, 2]);
    tiff.extend(2u32.to_be_bytes());
    tiff.extend(*b"N\0\0\0");
    tiff.extend([0, 2, 0, 5]);
    tiff.extend(3u32.to_be_bytes());
    tiff.extend(rationals_at.to_be_bytes());
    tiff.extend(0u32.to_be_bytes());
    for (n, d) in [(59u32, 1u32), (19, 1), (4512, 100)] {
        tiff.extend(n.to_be_bytes());
        tiff.extend(d.to_be_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(&tiff);
    let mut out = plain[..2].to_vec(); // SOI
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(&app1);
    out.extend(&plain[2..]);
    out
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend(kind);
    c.extend(data);
    let crc = crc32(&c[4..]);
    c.extend(crc.to_be_bytes());
    c
}

/// A PNG with a tEXt chunk (a name) and an iTXt chunk (XMP) after its header.
fn png_with_text(w: u32, h: u32) -> Vec<u8> {
    let mut plain = Vec::new();
    picture(w, h)
        .write_to(
            &mut std::io::Cursor::new(&mut plain),
            image::ImageFormat::Png,
        )
        .unwrap();
    let after_ihdr = 8 + 25;
    let mut out = plain[..after_ihdr].to_vec();
    out.extend(png_chunk(b"tEXt", b"Author\0Secret Pngsson"));
    out.extend(png_chunk(
        b"iTXt",
        b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>GPSLatitude 59.3292</x:xmpmeta>",
    ));
    out.extend(&plain[after_ihdr..]);
    out
}

/// Three MPEG-1 layer III frames (128 kbit/s, 44.1 kHz: 417 bytes each) between an ID3v2 tag
/// and an ID3v1 tag, both naming the singer.
fn mp3_with_id3() -> Vec<u8> {
    let mut frame = vec![0xFF, 0xFB, 0x90, 0x64];
    frame.resize(417, 0x55);
    let mut title = vec![0u8];
    title.extend(b"Secret Song Title");
    let mut id3 = b"TIT2".to_vec();
    id3.extend((title.len() as u32).to_be_bytes());
    id3.extend([0, 0]);
    id3.extend(&title);
    let mut out = b"ID3\x03\0\0".to_vec();
    let n = id3.len() as u32;
    out.extend([
        (n >> 21) as u8 & 0x7F,
        (n >> 14) as u8 & 0x7F,
        (n >> 7) as u8 & 0x7F,
        n as u8 & 0x7F,
    ]);
    out.extend(&id3);
    for _ in 0..3 {
        out.extend(&frame);
    }
    let mut v1 = b"TAG".to_vec();
    v1.extend(b"Secret Song Title v1");
    v1.resize(128, 0);
    out.extend(&v1);
    out
}

/// A PCM WAV with a LIST/INFO chunk naming who recorded it.
fn wav_with_info() -> Vec<u8> {
    let mut fmt = Vec::new();
    fmt.extend(1u16.to_le_bytes()); // PCM
    fmt.extend(1u16.to_le_bytes());
    fmt.extend(8000u32.to_le_bytes());
    fmt.extend(16000u32.to_le_bytes());
    fmt.extend(2u16.to_le_bytes());
    fmt.extend(16u16.to_le_bytes());
    let mut info = b"INFOIART".to_vec();
    let name = b"Secret Recorder\0";
    info.extend((name.len() as u32).to_le_bytes());
    info.extend(name);
    let samples = vec![0x10u8; 1000];
    let mut body = b"WAVE".to_vec();
    for (id, data) in [(b"fmt ", &fmt), (b"LIST", &info), (b"data", &samples)] {
        body.extend(id);
        body.extend((data.len() as u32).to_le_bytes());
        body.extend(data.iter());
    }
    let mut out = b"RIFF".to_vec();
    out.extend((body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

/// Ogg's CRC-32 (not reflected).
fn ogg_crc(data: &[u8]) -> u32 {
    let mut crc = 0u32;
    for &b in data {
        crc ^= u32::from(b) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04C1_1DB7
            } else {
                crc << 1
            };
        }
    }
    crc
}

fn ogg_page(kind: u8, granule: u64, seq: u32, packet: &[u8]) -> Vec<u8> {
    let mut lacing = vec![255u8; packet.len() / 255];
    lacing.push((packet.len() % 255) as u8);
    let mut p = b"OggS\0".to_vec();
    p.push(kind);
    p.extend(granule.to_le_bytes());
    p.extend(0x1234_5678u32.to_le_bytes());
    p.extend(seq.to_le_bytes());
    p.extend([0; 4]);
    p.push(lacing.len() as u8);
    p.extend(&lacing);
    p.extend(packet);
    let crc = ogg_crc(&p);
    p[22..26].copy_from_slice(&crc.to_le_bytes());
    p
}

/// An Opus stream whose comment header names the singer and carries a long cover picture.
fn ogg_with_comments() -> Vec<u8> {
    let mut head = b"OpusHead\x01\x01\x38\x01\x80\xbb\0\0\0\0\0".to_vec();
    head.truncate(19);
    let mut tags = b"OpusTags".to_vec();
    tags.extend(7u32.to_le_bytes());
    tags.extend(b"libopus");
    let artist = b"ARTIST=Secret Singer".to_vec();
    let mut picture = b"METADATA_BLOCK_PICTURE=".to_vec();
    picture.resize(700, b'A');
    tags.extend(2u32.to_le_bytes());
    for c in [&artist, &picture] {
        tags.extend((c.len() as u32).to_le_bytes());
        tags.extend(c.iter());
    }
    let mut out = ogg_page(2, 0, 0, &head);
    out.extend(ogg_page(0, 0, 1, &tags));
    out.extend(ogg_page(0, 960, 2, &[0xFC, 0xFF, 0xFE, 1, 2, 3]));
    out.extend(ogg_page(4, 1920, 3, &[0xFC, 0xFF, 0xFE, 4, 5, 6]));
    out
}

// --- helpers -----------------------------------------------------------------------------

async fn teen(app: &TestApp, name: &str) -> (String, Value) {
    app.student(name, &format!("{}@example.org", name.to_lowercase()), 14)
        .await
}

async fn upload(app: &TestApp, cookie: Option<&str>, declared: &str, body: Vec<u8>) -> Answer {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/media")
        .header("content-type", declared)
        .header("content-length", body.len());
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    app.send(req.body(Body::from(body)).unwrap()).await
}

async fn uploaded(app: &TestApp, cookie: &str, declared: &str, body: Vec<u8>) -> Value {
    let r = upload(app, Some(cookie), declared, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["media"].clone()
}

/// The bytes as they are in the object store, and for local files, as they are on disk.
async fn stored(app: &TestApp, id: &str) -> Vec<u8> {
    let row = app
        .state
        .store
        .media_by_id(id)
        .await
        .unwrap()
        .expect("a row");
    let bytes = app
        .state
        .media
        .files
        .get(&row.object_key)
        .await
        .unwrap()
        .expect("bytes")
        .to_vec();
    if app.state.media.files.backend() == "local" {
        let on_disk = std::fs::read(app.dir.join("media").join(&row.object_key)).unwrap();
        assert_eq!(on_disk, bytes);
    }
    bytes
}

async fn served(app: &TestApp, cookie: &str, id: &str) -> Answer {
    app.get(&format!("/api/v1/media/{id}"), Some(cookie)).await
}

// --- cases -------------------------------------------------------------------------------

// promise LOC-1: a photo's GPS position (and all its EXIF) is gone from what is stored, and
// promise CREATE-4: a learner aged 13 or more keeps the photo for their projects.
async fn a_photo_loses_its_gps_position(app: TestApp) {
    let (cookie, _) = teen(&app, "Tove").await;
    let original = jpeg_with_gps();
    assert!(contains(&original, "Exif") && contains(&original, "Secretsson"));
    // Declared as something else: the content decides.
    let m = uploaded(&app, &cookie, "application/octet-stream", original).await;
    assert_eq!(m["kind"], "image");
    assert_eq!(m["content_type"], "image/jpeg");
    let bytes = stored(&app, m["id"].as_str().unwrap()).await;
    assert_eq!(m["bytes"], bytes.len());
    for gone in ["Exif", "Secretsson", "MM\0*"] {
        assert!(!contains(&bytes, gone), "{gone} survived");
    }
    assert!(
        !bytes
            .windows(8)
            .any(|w| w == [0, 0, 0x11, 0xA0, 0, 0, 0, 100]),
        "the latitude survived"
    );
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (64, 48));
    let r = served(&app, &cookie, m["id"].as_str().unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "image/jpeg");
    assert_eq!(r.headers["x-content-type-options"], "nosniff");
    let disposition = r.headers["content-disposition"].to_str().unwrap();
    assert_eq!(
        disposition,
        format!("inline; filename=\"{}.jpg\"", m["id"].as_str().unwrap())
    );
}

// promise LOC-1: a PNG's text chunks (a name, XMP with a position) are gone.
async fn a_png_loses_its_text_chunks(app: TestApp) {
    let (cookie, _) = teen(&app, "Tove").await;
    let original = png_with_text(40, 30);
    assert!(contains(&original, "tEXt") && contains(&original, "Pngsson"));
    let m = uploaded(&app, &cookie, "image/png", original).await;
    assert_eq!(m["content_type"], "image/png");
    let bytes = stored(&app, m["id"].as_str().unwrap()).await;
    for gone in ["tEXt", "iTXt", "Pngsson", "xmpmeta", "GPSLatitude"] {
        assert!(!contains(&bytes, gone), "{gone} survived");
    }
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 40);
}

// The ID3 tags at both ends of an MP3 are cut off; the frames stay as they were.
async fn an_mp3_loses_its_id3_tags(app: TestApp) {
    let (cookie, _) = teen(&app, "Tove").await;
    let original = mp3_with_id3();
    let m = uploaded(&app, &cookie, "audio/mpeg", original).await;
    assert_eq!(
        (m["kind"].as_str(), m["content_type"].as_str()),
        (Some("sound"), Some("audio/mpeg"))
    );
    let bytes = stored(&app, m["id"].as_str().unwrap()).await;
    assert!(!contains(&bytes, "ID3") && !contains(&bytes, "TAG") && !contains(&bytes, "Secret"));
    assert_eq!(bytes.len(), 3 * 417);
    assert_eq!(&bytes[..4], &[0xFF, 0xFB, 0x90, 0x64]);
}

// A WAV keeps its format and samples, not its LIST/INFO chunk.
async fn a_wav_loses_its_info_chunk(app: TestApp) {
    let (cookie, _) = teen(&app, "Tove").await;
    let m = uploaded(&app, &cookie, "audio/wav", wav_with_info()).await;
    assert_eq!(m["content_type"], "audio/wav");
    let bytes = stored(&app, m["id"].as_str().unwrap()).await;
    assert!(!contains(&bytes, "LIST") && !contains(&bytes, "Secret Recorder"));
    assert!(contains(&bytes, "fmt ") && contains(&bytes, "data"));
    assert_eq!(
        u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize,
        bytes.len() - 8
    );
}

// An Ogg Opus stream keeps its audio pages; its comments and cover picture are emptied, and
// every page's checksum is right again.
async fn an_ogg_loses_its_comments(app: TestApp) {
    let (cookie, _) = teen(&app, "Tove").await;
    let m = uploaded(&app, &cookie, "audio/ogg", ogg_with_comments()).await;
    assert_eq!(m["content_type"], "audio/ogg");
    let bytes = stored(&app, m["id"].as_str().unwrap()).await;
    assert!(!contains(&bytes, "Secret Singer") && !contains(&bytes, "METADATA_BLOCK_PICTURE"));
    assert!(contains(&bytes, "OpusHead") && contains(&bytes, "OpusTags"));
    let mut at = 0;
    let mut seq = 0;
    while at < bytes.len() {
        let n = bytes[at + 26] as usize;
        let len: usize = bytes[at + 27..at + 27 + n]
            .iter()
            .map(|x| *x as usize)
            .sum();
        let mut page = bytes[at..at + 27 + n + len].to_vec();
        let crc = u32::from_le_bytes(page[22..26].try_into().unwrap());
        page[22..26].copy_from_slice(&[0; 4]);
        assert_eq!(ogg_crc(&page), crc, "page {seq}");
        assert_eq!(u32::from_le_bytes(page[18..22].try_into().unwrap()), seq);
        at += 27 + n + len;
        seq += 1;
    }
    assert_eq!(seq, 4);
}

// A file that lies about its type (text named .png, SVG, HTML, a broken picture) is refused,
// and nothing is stored.
async fn files_that_lie_about_their_type_are_refused(app: TestApp) {
    let (cookie, _) = teen(&app, "Tove").await;
    let mut broken = png_with_text(10, 10);
    broken.truncate(60);
    for (declared, body) in [
        (
            "image/png",
            b"this is only text in a file named picture.png".to_vec(),
        ),
        (
            "image/svg+xml",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(),
        ),
        ("text/html", b"<!doctype html><p>hi".to_vec()),
        ("image/png", broken),
        ("image/png", Vec::new()),
    ] {
        let r = upload(&app, Some(&cookie), declared, body).await;
        assert_eq!(
            (r.status, r.code()),
            (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type".into()
            )
        );
    }
    let list = app.get("/api/v1/media", Some(&cookie)).await.json();
    assert_eq!(list["media"], json!([]));
    assert_eq!(list["bytes_used"], 0);
}

// Up to 5,000,000 bytes are taken on this route (beyond the 1 MiB of other routes); more is
// refused before the body is read.
async fn files_over_five_megabytes_are_refused(app: TestApp) {
    let (cookie, _) = teen(&app, "Tove").await;
    // Noise does not compress: this PNG is over 1 MiB.
    let noisy = image::RgbImage::from_fn(700, 600, |x, y| {
        let v =
            (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)).wrapping_mul(2_246_822_519);
        image::Rgb([(v >> 8) as u8, (v >> 16) as u8, (v >> 24) as u8])
    });
    let mut big = Vec::new();
    noisy
        .write_to(&mut std::io::Cursor::new(&mut big), image::ImageFormat::Png)
        .unwrap();
    assert!(big.len() > 1 << 20, "{}", big.len());
    let m = uploaded(&app, &cookie, "image/png", big).await;
    assert_eq!(m["kind"], "image");
    let r = upload(&app, Some(&cookie), "image/png", vec![0x89; 5_000_001]).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::PAYLOAD_TOO_LARGE, "too_large".into())
    );
    // The 1 MiB limit still holds everywhere else.
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/support-requests")
        .header("content-type", "application/json")
        .header("content-length", 2_000_000)
        .body(Body::from(vec![b' '; 2_000_000]))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::PAYLOAD_TOO_LARGE);
}

// promise U13-4: a child's upload is refused with a clear error, and nothing is stored.
async fn a_child_cannot_upload(app: TestApp) {
    let (cookie, _) = app.student("Kim", "kim@example.org", 11).await;
    let r = upload(&app, Some(&cookie), "image/png", png_with_text(8, 8)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "age_restricted".into())
    );
    // Even a body too large to read is refused for the age first.
    let r = upload(&app, Some(&cookie), "image/png", vec![0; 5_000_001]).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "age_restricted".into())
    );
    let list = app.get("/api/v1/media", Some(&cookie)).await;
    assert_eq!(list.json()["media"], json!([]));
    // The page offers nothing to a child.
    let page = app.get("/media", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.text.contains("type=\"file\""));
    let home = app.get("/account", Some(&cookie)).await;
    assert!(!home.text.contains("href=\"/media\""));
}

// 100,000,000 bytes per account: beyond it, 409 `storage_full`, and nothing is stored.
async fn the_allowance_is_kept(app: TestApp) {
    let (cookie, me) = teen(&app, "Tove").await;
    let nearly_full = kodlek_store::MediaRecord {
        id: kodlek_store::new_id(),
        owner_id: me["id"].as_str().unwrap().into(),
        kind: "image".into(),
        content_type: "image/png".into(),
        bytes: kodlek_web::media::ALLOWANCE - 100,
        object_key: kodlek_store::new_id(),
        created_at: 1,
    };
    assert!(
        app.state
            .store
            .insert_media(&nearly_full, kodlek_web::media::ALLOWANCE)
            .await
            .unwrap()
    );
    let r = upload(&app, Some(&cookie), "image/png", png_with_text(30, 30)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "storage_full".into())
    );
    let list = app.get("/api/v1/media", Some(&cookie)).await.json();
    assert_eq!(list["media"].as_array().unwrap().len(), 1);
    assert_eq!(list["bytes_used"], kodlek_web::media::ALLOWANCE - 100);
    assert_eq!(list["bytes_allowed"], 100_000_000);
}

// promise CREATE-4: a file is shown to its owner and to nobody else (404, as for no file).
async fn files_are_shown_to_their_owner_only(app: TestApp) {
    let (tove, _) = teen(&app, "Tove").await;
    let (ada, _) = teen(&app, "Ada").await;
    let m = uploaded(&app, &tove, "image/png", png_with_text(8, 8)).await;
    let id = m["id"].as_str().unwrap();
    let mine = app.get("/api/v1/media", Some(&tove)).await.json();
    assert_eq!(mine["media"][0]["id"], id);
    assert_eq!(mine["bytes_used"], m["bytes"]);
    assert_eq!(
        app.get("/api/v1/media", Some(&ada)).await.json()["media"],
        json!([])
    );
    assert_eq!(served(&app, &ada, id).await.status, StatusCode::NOT_FOUND);
    let r = app
        .delete(&format!("/api/v1/media/{id}"), None, Some(&ada))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(served(&app, &tove, id).await.status, StatusCode::OK);
    let key = app
        .state
        .store
        .media_by_id(id)
        .await
        .unwrap()
        .unwrap()
        .object_key;
    let r = app
        .delete(&format!("/api/v1/media/{id}"), None, Some(&tove))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(served(&app, &tove, id).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.state.media.files.get(&key).await.unwrap(),
        None,
        "the bytes are erased"
    );
    assert!(app.state.store.media_erasures(10).await.unwrap().is_empty());
    for bad in ["nope", "../../etc/passwd", "%2e%2e"] {
        assert_eq!(served(&app, &tove, bad).await.status, StatusCode::NOT_FOUND);
    }
}

/// Shared projects as the projects feature gives them: share id, owner, program.
struct Shared(Vec<(String, String, String)>);

#[async_trait::async_trait]
impl SharedProjects for Shared {
    async fn shared_program(
        &self,
        share_id: &str,
    ) -> Result<Option<SharedProgram>, kodlek_web::error::ApiError> {
        Ok(self
            .0
            .iter()
            .find(|(s, _, _)| s == share_id)
            .map(|(_, owner, program)| SharedProgram {
                owner_id: owner.clone(),
                program: program.clone(),
            }))
    }
}

fn program_using(media: &[&str]) -> String {
    let blocks: Vec<Value> = media
        .iter()
        .map(|m| json!({"type": "set_costume", "fields": {"COSTUME": format!("media:{m}")}}))
        .collect();
    json!({"blocks": {"blocks": [{"type": "when_run", "next": {"block": blocks.first().cloned().unwrap_or(json!(null))}}]}}).to_string()
}

// promise CREATE-4: with the projects feature wired in as the server wires it, a teen's
// sprites project that uses their picture shows it to anyone with the link while it is
// shared, and to nobody once it is private again.
async fn a_real_shared_project_shows_its_file_while_shared(app: TestApp) {
    let (tove, _) = teen(&app, "Tove").await;
    let picture = uploaded(&app, &tove, "image/png", png_with_text(8, 8)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let program = json!({"blocks": {"languageVersion": 0, "blocks": [
        {"type": "when_run", "id": "a", "x": 10, "y": 10, "next": {"block":
            {"type": "sprites_costume", "id": "b", "fields": {"SPRITE": "1", "COSTUME": format!("media:{picture}")}}}}
    ]}});
    let made = app
        .post(
            "/api/v1/projects",
            json!({"kind": "sprites", "title": "My cat", "program": program}),
            Some(&tove),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.json()["project"]["id"].as_str().unwrap().to_owned();
    let shared = app
        .patch(
            &format!("/api/v1/projects/{id}"),
            json!({"sharing": "link"}),
            Some(&tove),
        )
        .await;
    assert_eq!(shared.status, StatusCode::OK, "{}", shared.text);
    let share = shared.json()["project"]["share_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/shared/{share}/media/{picture}");
    let r = app.get(&path, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "image/png");

    app.patch(
        &format!("/api/v1/projects/{id}"),
        json!({"sharing": "private"}),
        Some(&tove),
    )
    .await;
    assert_eq!(app.get(&path, None).await.status, StatusCode::NOT_FOUND);
}

// promise CREATE-4: a file is shown inside a shared project only when that project's program
// uses it and the file is the author's; anywhere else it is 404.
async fn shared_projects_show_the_files_they_use(mut app: TestApp) {
    let (tove, tove_user) = teen(&app, "Tove").await;
    let (ada, ada_user) = teen(&app, "Ada").await;
    let used = uploaded(&app, &tove, "image/png", png_with_text(8, 8)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let unused = uploaded(&app, &tove, "image/png", png_with_text(9, 9)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let adas = uploaded(&app, &ada, "image/png", png_with_text(7, 7)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tove_id = tove_user["id"].as_str().unwrap().to_owned();
    let ada_id = ada_user["id"].as_str().unwrap().to_owned();
    let projects = Shared(vec![
        ("share-tove".into(), tove_id, program_using(&[&used])),
        // Ada's project names Tove's file: it is still not Ada's to show.
        ("share-ada".into(), ada_id, program_using(&[&used, &adas])),
    ]);
    app.state.media = app.state.media.clone().with_projects(Arc::new(projects));
    app.router = kodlek_web::router(app.state.clone());
    let shared = |share: &str, m: &str| format!("/api/v1/shared/{share}/media/{m}");
    let r = app.get(&shared("share-tove", &used), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "image/png");
    for (share, m) in [
        ("share-tove", &unused),
        ("share-tove", &adas),
        ("share-ada", &used),
        ("no-such-share", &used),
    ] {
        let r = app.get(&shared(share, m), None).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::NOT_FOUND, "not_found".into()),
            "{share} {m}"
        );
    }
    // Without projects wired in (private again, or no projects at all), nothing is shown.
    app.state.media = app
        .state
        .media
        .clone()
        .with_projects(Arc::new(kodlek_web::media::NoSharedProjects));
    app.router = kodlek_web::router(app.state.clone());
    assert_eq!(
        app.get(&shared("share-tove", &used), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(kodlek_web::media::program_uses(
        &program_using(&[&used]),
        &used
    ));
    assert!(!kodlek_web::media::program_uses(
        &json!({"title": format!("media:{used}")}).to_string(),
        &used
    ));
}

// promise RIGHTS-2: erasing the account erases its files' rows and their bytes, in the
// object store too.
async fn erasing_the_account_erases_the_bytes(app: TestApp) {
    let (cookie, _) = teen(&app, "Tove").await;
    let (ada, _) = teen(&app, "Ada").await;
    let mine = uploaded(&app, &cookie, "image/png", png_with_text(8, 8)).await;
    let theirs = uploaded(&app, &ada, "audio/mpeg", mp3_with_id3()).await;
    let key = |id: Value| {
        let store = app.state.store.clone();
        async move {
            store
                .media_by_id(id.as_str().unwrap())
                .await
                .unwrap()
                .unwrap()
                .object_key
        }
    };
    let my_key = key(mine["id"].clone()).await;
    let their_key = key(theirs["id"].clone()).await;
    let r = app
        .delete("/api/v1/me", Some(json!({"password": PW})), Some(&cookie))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(
        app.state
            .store
            .media_by_id(mine["id"].as_str().unwrap())
            .await
            .unwrap(),
        None
    );
    assert_eq!(app.state.media.files.get(&my_key).await.unwrap(), None);
    assert!(app.state.store.media_erasures(10).await.unwrap().is_empty());
    assert!(
        app.state
            .media
            .files
            .get(&their_key)
            .await
            .unwrap()
            .is_some(),
        "others keep theirs"
    );
}

// promise RIGHTS-1: the export lists the owner's files.
async fn the_export_lists_the_files(app: TestApp) {
    let (cookie, _) = teen(&app, "Tove").await;
    let m = uploaded(&app, &cookie, "image/png", png_with_text(8, 8)).await;
    let export = app.get("/api/v1/me/export", Some(&cookie)).await;
    assert_eq!(export.status, StatusCode::OK);
    let rows = &export.json()["tables"]["media"];
    assert_eq!(rows[0]["id"], m["id"], "{rows}");
    assert_eq!(rows[0]["content_type"], "image/png");
    let url = format!(
        "http://kodlek.test/api/v1/media/{}",
        m["id"].as_str().unwrap()
    );
    assert_eq!(rows[0]["url"], url);
    let file = served(&app, &cookie, m["id"].as_str().unwrap()).await;
    assert_eq!(file.status, StatusCode::OK);
    let page = app.get("/account/data", Some(&cookie)).await;
    assert!(page.text.contains(m["id"].as_str().unwrap()));
    assert!(!export.text.contains("object_key") || rows[0].get("object_key").is_none());
}

/// Each media route for each kind of caller: the status it answers.
async fn every_media_route_for_every_role(app: TestApp) {
    let (owner, _) = teen(&app, "Tove").await;
    let (other_teen, _) = teen(&app, "Ada").await;
    let (child, _) = app.student("Kim", "kim@example.org", 10).await;
    let teacher = app.verified_teacher("Ms Berg", "berg@example.org").await;
    let id = uploaded(&app, &owner, "image/gif", {
        let mut gif = Vec::new();
        picture(5, 5)
            .write_to(&mut std::io::Cursor::new(&mut gif), image::ImageFormat::Gif)
            .unwrap();
        gif
    })
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let roles: [(&str, Option<&str>); 5] = [
        ("anonymous", None),
        ("child", Some(&child)),
        ("teacher", Some(&teacher)),
        ("other teen", Some(&other_teen)),
        ("owner", Some(&owner)),
    ];
    // (method, path, statuses for the roles above in order)
    let file = format!("/api/v1/media/{id}");
    let shared = format!("/api/v1/shared/nothing-shared/media/{id}");
    let table: [(Method, &str, [u16; 5]); 5] = [
        (Method::POST, "/api/v1/media", [401, 403, 403, 201, 201]),
        (Method::GET, "/api/v1/media", [401, 200, 200, 200, 200]),
        (Method::GET, &file, [401, 404, 404, 404, 200]),
        (Method::GET, &shared, [404, 404, 404, 404, 404]),
        (Method::DELETE, &file, [401, 404, 404, 404, 204]),
    ];
    for (method, path, expected) in table {
        for ((role, cookie), want) in roles.iter().zip(expected) {
            let r = if method == Method::POST {
                upload(&app, *cookie, "image/png", png_with_text(4, 4)).await
            } else {
                app.call(method.clone(), path, None, *cookie).await
            };
            assert_eq!(
                r.status.as_u16(),
                want,
                "{method} {path} as {role}: {}",
                r.text
            );
        }
    }
    // The page: offered to learners aged 13 or more only.
    for (role, cookie, want) in [
        ("anonymous", None, 303),
        ("child", Some(&child), 404),
        ("teacher", Some(&teacher), 404),
        ("teen", Some(&owner), 200),
    ] {
        let r = app.get("/media", cookie.map(|c| c.as_str())).await;
        assert_eq!(r.status.as_u16(), want, "/media as {role}");
    }
}

// Uploads held at once are bounded: beyond the bound, after a short wait, 503 with
// Retry-After, and nothing is stored.
async fn uploads_beyond_the_bound_are_shed(mut app: TestApp) {
    let (cookie, _) = teen(&app, "Tove").await;
    app.state.media =
        app.state
            .media
            .clone()
            .with_bounds(0, 0, std::time::Duration::from_millis(50));
    app.router = kodlek_web::router(app.state.clone());
    let r = upload(&app, Some(&cookie), "image/png", png_with_text(8, 8)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::SERVICE_UNAVAILABLE, "overloaded".into())
    );
    assert!(r.headers.contains_key("retry-after"));
    // Room to hold the body, none to decode it: shed as well.
    app.state.media =
        app.state
            .media
            .clone()
            .with_bounds(1, 0, std::time::Duration::from_millis(50));
    app.router = kodlek_web::router(app.state.clone());
    let r = upload(&app, Some(&cookie), "image/png", png_with_text(8, 8)).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        app.get("/api/v1/media", Some(&cookie)).await.json()["media"],
        json!([])
    );
}

/// A page request in a language, signed in with `cookie`.
async fn page_in(app: &TestApp, path: &str, cookie: &str, lang: &str) -> Answer {
    let req = Request::builder()
        .uri(path)
        .header("cookie", cookie)
        .header("accept-language", lang)
        .body(Body::empty())
        .unwrap();
    app.send(req).await
}

// promise CREATE-4: the learner's page lists their files with upload and delete, in English
// and Swedish, loading nothing from another site.
async fn the_page_speaks_english_and_swedish(app: TestApp) {
    let (cookie, _) = teen(&app, "Tove").await;
    let m = uploaded(&app, &cookie, "image/png", png_with_text(8, 8)).await;
    let s = uploaded(&app, &cookie, "audio/wav", wav_with_info()).await;
    let en = page_in(&app, "/media", &cookie, "en").await;
    assert_eq!(en.status, StatusCode::OK);
    assert!(en.text.contains("Your pictures and sounds"), "{}", en.text);
    assert!(en.text.contains(&format!(
        "src=\"/api/v1/media/{}\"",
        m["id"].as_str().unwrap()
    )));
    assert!(en.text.contains("<audio"));
    assert!(
        en.text
            .contains(&format!("media:{}", s["id"].as_str().unwrap()))
    );
    assert!(en.text.contains("type=\"file\""));
    assert!(en.text.contains("/static/js/media.js"));
    assert!(
        !en.text.contains("<script>")
            && !en.text.contains("http://")
            && !en.text.contains("https://")
    );
    let sv = page_in(&app, "/media", &cookie, "sv").await;
    assert!(sv.text.contains("Dina bilder och ljud"), "{}", sv.text);
    assert!(sv.text.contains("Radera"));
    let account = page_in(&app, "/account", &cookie, "en").await;
    assert!(account.text.contains("href=\"/media\""));
    let script = app.get("/static/js/media.js", None).await;
    assert_eq!(script.status, StatusCode::OK);
    // Deleting from the page, with the form's token.
    let csrf = en
        .set_cookies()
        .into_iter()
        .chain(std::iter::once(String::new()))
        .find_map(|c| {
            c.strip_prefix("kodlek_csrf=")
                .map(|v| v.split(';').next().unwrap().to_owned())
        });
    let token = en
        .text
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let cookies = match csrf {
        Some(c) => format!("{cookie}; kodlek_csrf={c}"),
        None => cookie.clone(),
    };
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/media/{}/delete", m["id"].as_str().unwrap()))
        .header("cookie", cookies)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf_token={token}")))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.headers["location"], "/media?done=media-deleted");
    let list = app.get("/api/v1/media", Some(&cookie)).await.json();
    assert_eq!(list["media"].as_array().unwrap().len(), 1);
}

//! Sounds cleaned of their metadata without decoding the audio: MP3 without its ID3 (v1 and v2)
//! and APE tags, WAV with only its format and sample chunks (no LIST/INFO, id3, bext, iXML,
//! ...), Ogg Vorbis and Opus with an empty comment header (no tags, no cover picture).

use super::sniff::{id3v2_len, is_mp3_frame};

/// The file is not one this module can clean: it is refused as unsupported.
#[derive(Debug, PartialEq, Eq)]
pub struct NotSound;

fn u32_le(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
}

/// The MP3 frames alone: every ID3v2 tag at the start, and the ID3v1, extended ID3v1, APEv2
/// and appended ID3v2 tags at the end, are cut off.
pub fn clean_mp3(b: &[u8]) -> Result<Vec<u8>, NotSound> {
    let mut start = 0;
    loop {
        let n = id3v2_len(&b[start..]);
        if n == 0 || start + n > b.len() {
            break;
        }
        start += n;
    }
    if !is_mp3_frame(b, start) {
        return Err(NotSound);
    }
    let mut end = b.len();
    loop {
        let before = end;
        let tail = &b[start..end];
        if tail.len() >= 128 && tail[tail.len() - 128..].starts_with(b"TAG") {
            end -= 128;
            let tail = &b[start..end];
            if tail.len() >= 227 && tail[tail.len() - 227..].starts_with(b"TAG+") {
                end -= 227;
            }
        } else if tail.len() >= 32 && tail[tail.len() - 32..].starts_with(b"APETAGEX") {
            let footer = tail.len() - 32;
            let size = u32_le(tail, footer + 12).ok_or(NotSound)?;
            let flags = u32_le(tail, footer + 20).ok_or(NotSound)?;
            let header = if flags & 0x8000_0000 != 0 { 32 } else { 0 };
            end -= (size + header).min(tail.len());
        } else if tail.len() >= 10 && tail[tail.len() - 10..].starts_with(b"3DI") {
            let footer = &tail[tail.len() - 10..];
            let size = footer[6..10]
                .iter()
                .fold(0usize, |n, x| (n << 7) | usize::from(x & 0x7F));
            end -= (size + 20).min(tail.len());
        }
        if end == before {
            break;
        }
    }
    if !is_mp3_frame(b, start) || end <= start {
        return Err(NotSound);
    }
    Ok(b[start..end].to_vec())
}

/// The WAV with only its `fmt `, `fact` and `data` chunks.
pub fn clean_wav(b: &[u8]) -> Result<Vec<u8>, NotSound> {
    let mut out = b"RIFF\0\0\0\0WAVE".to_vec();
    let (mut fmt, mut data) = (false, false);
    let mut at = 12;
    while at + 8 <= b.len() {
        let id = &b[at..at + 4];
        let size = u32_le(b, at + 4).ok_or(NotSound)?;
        let body = at + 8;
        // A recorder stopped early leaves a data chunk shorter than it says: keep what is there.
        let end = body.saturating_add(size).min(b.len());
        if matches!(id, b"fmt " | b"fact" | b"data") {
            let len = end - body;
            out.extend_from_slice(id);
            out.extend_from_slice(&(len as u32).to_le_bytes());
            out.extend_from_slice(&b[body..end]);
            if len % 2 == 1 {
                out.push(0);
            }
            fmt |= id == b"fmt ";
            data |= id == b"data";
        }
        at = end + (size % 2);
    }
    if !(fmt && data) {
        return Err(NotSound);
    }
    let riff = (out.len() - 8) as u32;
    out[4..8].copy_from_slice(&riff.to_le_bytes());
    Ok(out)
}

/// One page of an Ogg stream.
struct Page<'a> {
    header: &'a [u8],
    lacing: &'a [u8],
    body: &'a [u8],
}

fn pages(b: &[u8]) -> Result<Vec<Page<'_>>, NotSound> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < b.len() {
        let head = b.get(at..at + 27).ok_or(NotSound)?;
        if !head.starts_with(b"OggS") || head[4] != 0 {
            return Err(NotSound);
        }
        let n = usize::from(head[26]);
        let lacing = b.get(at + 27..at + 27 + n).ok_or(NotSound)?;
        let len: usize = lacing.iter().map(|x| usize::from(*x)).sum();
        let body = b.get(at + 27 + n..at + 27 + n + len).ok_or(NotSound)?;
        out.push(Page {
            header: head,
            lacing,
            body,
        });
        at += 27 + n + len;
    }
    Ok(out)
}

/// Ogg's CRC-32 (polynomial 0x04C11DB7, not reflected, starting at 0).
fn ogg_crc(data: &[u8]) -> u32 {
    let mut crc = 0u32;
    for &byte in data {
        crc ^= u32::from(byte) << 24;
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

/// Writes one page: the header's fields from `like` (serial, version), the given type,
/// granule and sequence number, then a fresh CRC.
fn write_page(
    out: &mut Vec<u8>,
    like: &[u8],
    kind: u8,
    granule: &[u8],
    seq: u32,
    lacing: &[u8],
    body: &[u8],
) {
    let start = out.len();
    out.extend_from_slice(&like[..5]);
    out.push(kind);
    out.extend_from_slice(granule);
    out.extend_from_slice(&like[14..18]);
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.push(lacing.len() as u8);
    out.extend_from_slice(lacing);
    out.extend_from_slice(body);
    let crc = ogg_crc(&out[start..]);
    out[start + 22..start + 26].copy_from_slice(&crc.to_le_bytes());
}

/// The Ogg Vorbis or Opus stream with its comment header emptied: the first page (the
/// identification header) as it was, the other header packets on new pages, and the audio
/// pages renumbered after them. One logical stream only.
pub fn clean_ogg(b: &[u8]) -> Result<Vec<u8>, NotSound> {
    let pages = pages(b)?;
    let first = pages.first().ok_or(NotSound)?;
    let serial = &first.header[14..18];
    if pages.iter().any(|p| &p.header[14..18] != serial) {
        return Err(NotSound);
    }
    let (headers, empty_comment): (usize, Vec<u8>) = if first.body.starts_with(b"\x01vorbis") {
        let mut c = b"\x03vorbis".to_vec();
        c.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 1]);
        (3, c)
    } else if first.body.starts_with(b"OpusHead") {
        let mut c = b"OpusTags".to_vec();
        c.extend_from_slice(&[0; 8]);
        (2, c)
    } else {
        return Err(NotSound);
    };
    // The header packets, read until the page on which the last of them ends.
    let mut packets: Vec<Vec<u8>> = Vec::new();
    let mut current = Vec::new();
    let mut audio_from = None;
    for (i, page) in pages.iter().enumerate() {
        let mut at = 0;
        for &l in page.lacing {
            current.extend_from_slice(&page.body[at..at + usize::from(l)]);
            at += usize::from(l);
            if l < 255 {
                packets.push(std::mem::take(&mut current));
            }
        }
        if packets.len() >= headers {
            // Audio must begin on a fresh page after the headers.
            if packets.len() > headers || !current.is_empty() {
                return Err(NotSound);
            }
            audio_from = Some(i + 1);
            break;
        }
    }
    let audio_from = audio_from.ok_or(NotSound)?;
    // The first page must hold the identification header alone.
    if first.lacing.last().is_none_or(|l| *l == 255)
        || first.lacing.iter().filter(|l| **l < 255).count() != 1
    {
        return Err(NotSound);
    }
    packets[1] = empty_comment;

    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(first.header);
    out.extend_from_slice(first.lacing);
    out.extend_from_slice(first.body);
    let mut seq = 1u32;
    let zero = [0u8; 8];
    // The remaining header packets, paginated afresh: at most 255 lacing values a page.
    let mut lacing = Vec::new();
    let mut body = Vec::new();
    let mut continued = false;
    for packet in &packets[1..] {
        let mut left = packet.len();
        let mut at = 0;
        loop {
            let l = left.min(255);
            lacing.push(l as u8);
            body.extend_from_slice(&packet[at..at + l]);
            at += l;
            left -= l;
            let done = l < 255;
            if lacing.len() == 255 {
                write_page(
                    &mut out,
                    first.header,
                    if continued { 1 } else { 0 },
                    &zero,
                    seq,
                    &lacing,
                    &body,
                );
                seq += 1;
                lacing.clear();
                body.clear();
                continued = !done;
            }
            if done {
                break;
            }
        }
    }
    if !lacing.is_empty() {
        write_page(
            &mut out,
            first.header,
            if continued { 1 } else { 0 },
            &zero,
            seq,
            &lacing,
            &body,
        );
        seq += 1;
    }
    for page in &pages[audio_from..] {
        let h = page.header;
        write_page(&mut out, h, h[5], &h[6..14], seq, page.lacing, page.body);
        seq += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of whole packets; with `open`, the last one goes on in the next page (its
    /// length a multiple of 255, with no closing lacing value).
    fn page_of(kind: u8, seq: u32, packets: &[&[u8]], open: bool) -> Vec<u8> {
        let mut lacing = Vec::new();
        let mut body = Vec::new();
        for (i, p) in packets.iter().enumerate() {
            lacing.extend(std::iter::repeat_n(255u8, p.len() / 255));
            if !(open && i == packets.len() - 1) {
                lacing.push((p.len() % 255) as u8);
            }
            body.extend_from_slice(p);
        }
        let like = b"OggS\0\0\0\0\0\0\0\0\0\0\x07\0\0\0";
        let mut out = Vec::new();
        write_page(&mut out, like, kind, &[0; 8], seq, &lacing, &body);
        out
    }

    fn page(kind: u8, seq: u32, packets: &[&[u8]]) -> Vec<u8> {
        page_of(kind, seq, packets, false)
    }

    fn packets_of(b: &[u8]) -> Vec<Vec<u8>> {
        let mut all = Vec::new();
        let mut current = Vec::new();
        for p in pages(b).unwrap() {
            let mut crc_zeroed = [p.header, p.lacing, p.body].concat();
            crc_zeroed[22..26].copy_from_slice(&[0; 4]);
            assert_eq!(ogg_crc(&crc_zeroed).to_le_bytes(), p.header[22..26]);
            let mut at = 0;
            for &l in p.lacing {
                current.extend_from_slice(&p.body[at..at + usize::from(l)]);
                at += usize::from(l);
                if l < 255 {
                    all.push(std::mem::take(&mut current));
                }
            }
        }
        all
    }

    // promise LOC-1: a Vorbis comment header (here long enough to need several pages once
    // laced, as a cover picture is) is emptied; the setup header and the audio stay.
    #[test]
    fn vorbis_comments_are_emptied() {
        let ident = b"\x01vorbis-identification".as_slice();
        let mut comment = b"\x03vorbis".to_vec();
        comment.extend(b"ARTIST=Secret Person ");
        comment.resize(70_000, b'x');
        let setup = vec![5u8; 300];
        // The comment alone takes more than 255 lacing values: it spans pages.
        let mut stream = page(2, 0, &[ident]);
        let full_page = 255 * 255;
        stream.extend(page_of(0, 1, &[&comment[..full_page]], true));
        let rest = [&comment[full_page..], &setup[..]];
        stream.extend(page(1, 2, &rest));
        stream.extend(page(0, 3, &[b"audio-1", b"audio-2"]));
        stream.extend(page(4, 4, &[b"audio-3"]));
        let cleaned = clean_ogg(&stream).unwrap();
        let packets = packets_of(&cleaned);
        assert_eq!(packets.len(), 6);
        assert_eq!(packets[0], ident);
        assert_eq!(packets[1], b"\x03vorbis\0\0\0\0\0\0\0\0\x01");
        assert_eq!(packets[2], setup);
        assert_eq!(
            packets[3..],
            [
                b"audio-1".to_vec(),
                b"audio-2".to_vec(),
                b"audio-3".to_vec()
            ]
        );
        assert!(!cleaned.windows(6).any(|w| w == b"Secret"));
    }

    #[test]
    fn what_is_not_a_sound_is_refused() {
        assert_eq!(clean_ogg(b"OggS\0garbage"), Err(NotSound));
        assert_eq!(clean_ogg(&page(2, 0, &[b"\x80theora"])), Err(NotSound));
        assert_eq!(clean_wav(b"RIFF\x04\0\0\0WAVE"), Err(NotSound));
        assert_eq!(clean_mp3(b"ID3\x03\0\0\0\0\0\x01x"), Err(NotSound));
        // A tag that claims more than the file holds cuts nothing it should not.
        let mut tagged = vec![0xFF, 0xFB, 0x90, 0x64];
        tagged.extend(b"APETAGEX\xd0\x07\0\0\xff\xff\xff\x7f\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
        assert!(clean_mp3(&tagged).is_err() || clean_mp3(&tagged).unwrap().len() <= 4);
    }
}

//! Telling a file's format from its first bytes, never from its name or declared type.

/// The formats a learner may upload (API.md, Creations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    Gif,
    WebP,
    Mp3,
    Wav,
    Ogg,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Gif => "image/gif",
            Format::WebP => "image/webp",
            Format::Mp3 => "audio/mpeg",
            Format::Wav => "audio/wav",
            Format::Ogg => "audio/ogg",
        }
    }

    /// "image" or "sound".
    pub fn kind(self) -> &'static str {
        match self {
            Format::Png | Format::Jpeg | Format::Gif | Format::WebP => "image",
            Format::Mp3 | Format::Wav | Format::Ogg => "sound",
        }
    }

    /// The extension of the name the file is served under.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::Gif => "gif",
            Format::WebP => "webp",
            Format::Mp3 => "mp3",
            Format::Wav => "wav",
            Format::Ogg => "ogg",
        }
    }

    /// The format a stored content type names (for serving what was stored).
    pub fn of_content_type(t: &str) -> Option<Format> {
        [
            Format::Png,
            Format::Jpeg,
            Format::Gif,
            Format::WebP,
            Format::Mp3,
            Format::Wav,
            Format::Ogg,
        ]
        .into_iter()
        .find(|f| f.content_type() == t)
    }
}

/// The format of `bytes`, by their signature; None for anything else (SVG, text, HTML, ...).
pub fn recognise(b: &[u8]) -> Option<Format> {
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        Some(Format::Gif)
    } else if b.len() >= 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP" {
        Some(Format::WebP)
    } else if b.len() >= 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WAVE" {
        Some(Format::Wav)
    } else if b.starts_with(b"OggS") {
        Some(Format::Ogg)
    } else if is_mp3(b) {
        Some(Format::Mp3)
    } else {
        None
    }
}

/// The length of an ID3v2 tag at the start of `b` (header, body and footer), or 0.
pub fn id3v2_len(b: &[u8]) -> usize {
    if b.len() < 10 || !b.starts_with(b"ID3") {
        return 0;
    }
    // The size is "syncsafe": four 7-bit bytes.
    let size = b[6..10]
        .iter()
        .fold(0usize, |n, x| (n << 7) | usize::from(x & 0x7F));
    let footer = if b[5] & 0x10 != 0 { 10 } else { 0 };
    10 + size + footer
}

/// Whether `b` holds an MPEG audio layer III frame header at `at`.
pub fn is_mp3_frame(b: &[u8], at: usize) -> bool {
    let Some(h) = b.get(at..at + 4) else {
        return false;
    };
    let sync = h[0] == 0xFF && h[1] & 0xE0 == 0xE0;
    let version = (h[1] >> 3) & 0x03; // 1 is reserved
    let layer = (h[1] >> 1) & 0x03; // 1 is layer III
    let bitrate = h[2] >> 4; // 0 (free) and 15 are not accepted
    let rate = (h[2] >> 2) & 0x03; // 3 is reserved
    sync && version != 1 && layer == 1 && bitrate != 0 && bitrate != 15 && rate != 3
}

/// An MP3: an optional ID3v2 tag, then a layer III frame header.
fn is_mp3(b: &[u8]) -> bool {
    is_mp3_frame(b, id3v2_len(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_content_alone() {
        assert_eq!(recognise(b"\x89PNG\r\n\x1a\nrest"), Some(Format::Png));
        assert_eq!(recognise(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(Format::Jpeg));
        assert_eq!(recognise(b"GIF89a...."), Some(Format::Gif));
        assert_eq!(recognise(b"RIFF\0\0\0\0WEBPVP8 "), Some(Format::WebP));
        assert_eq!(recognise(b"RIFF\0\0\0\0WAVEfmt "), Some(Format::Wav));
        assert_eq!(recognise(b"OggS\0\x02"), Some(Format::Ogg));
        assert_eq!(recognise(&[0xFF, 0xFB, 0x90, 0x64]), Some(Format::Mp3));
        let mut tagged = b"ID3\x04\0\0\0\0\0\x02ab".to_vec();
        tagged.extend([0xFF, 0xFB, 0x90, 0x64]);
        assert_eq!(recognise(&tagged), Some(Format::Mp3));
        for other in [
            &b"<svg xmlns='http://www.w3.org/2000/svg'/>"[..],
            b"hello, this is a text file named picture.png",
            b"<html>",
            b"ID3\x04\0\0\0\0\0\x02abnot a frame",
            b"",
            b"RIFF\0\0\0\0AVI ",
        ] {
            assert_eq!(
                recognise(other),
                None,
                "{:?}",
                String::from_utf8_lossy(other)
            );
        }
    }
}

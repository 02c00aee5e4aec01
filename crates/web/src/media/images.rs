//! Pictures decoded and encoded afresh, so that nothing but the pixels survives: no EXIF (and
//! so no GPS position, promise LOC-1), no XMP, no PNG text chunks, no comments, no ICC profile.

use super::sniff::Format;
use image::codecs::gif::{GifDecoder, GifEncoder, Repeat};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{AnimationDecoder, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The widest and tallest picture accepted, in pixels.
pub const MAX_SIDE: u32 = 8192;
/// What decoding one picture may allocate: a 16-megapixel photo with room to spare. With
/// [`super::files::DECODES`] pictures at once, this bounds the memory uploads take.
pub const MAX_DECODED_BYTES: u64 = 96 << 20;
/// Frames of an animated GIF kept at most.
pub const MAX_FRAMES: usize = 300;

/// Why a picture was not re-encoded.
#[derive(Debug, PartialEq, Eq)]
pub enum NotPicture {
    /// It does not decode: it only looks like a picture.
    Broken,
    /// More pixels (or frames) than allowed.
    TooBig,
}

fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(MAX_DECODED_BYTES);
    l
}

fn refused(e: image::ImageError) -> NotPicture {
    match e {
        image::ImageError::Limits(_) => NotPicture::TooBig,
        _ => NotPicture::Broken,
    }
}

/// The picture re-encoded in its own format. A photo's orientation is applied to its pixels
/// first, since the EXIF that told it is not kept. An animated GIF keeps its frames and
/// timing; WebP is written losslessly (the encoder at hand has no lossy mode), and an animated
/// WebP keeps its first frame.
pub fn reencode(format: Format, bytes: &[u8]) -> Result<Vec<u8>, NotPicture> {
    if format == Format::Gif {
        return reencode_gif(bytes);
    }
    let image_format = match format {
        Format::Png => ImageFormat::Png,
        Format::Jpeg => ImageFormat::Jpeg,
        Format::WebP => ImageFormat::WebP,
        _ => return Err(NotPicture::Broken),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let orientation = decoder.orientation().map_err(refused)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(refused)?;
    img.apply_orientation(orientation);
    let mut out = Vec::new();
    match format {
        Format::Png => img.write_with_encoder(PngEncoder::new(&mut out)),
        Format::Jpeg => {
            // JPEG has no transparency; 16-bit and alpha pictures are brought to 8-bit RGB.
            let img = match img {
                DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => img,
                other => DynamicImage::ImageRgb8(other.to_rgb8()),
            };
            img.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
        }
        _ => {
            let img = match img {
                DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => img,
                other => DynamicImage::ImageRgba8(other.to_rgba8()),
            };
            img.write_with_encoder(WebPEncoder::new_lossless(&mut out))
        }
    }
    .map_err(refused)?;
    Ok(out)
}

/// Every frame of a GIF, with its delay, in a new GIF: comments and application extensions
/// other than looping are not written.
fn reencode_gif(bytes: &[u8]) -> Result<Vec<u8>, NotPicture> {
    let mut decoder = GifDecoder::new(Cursor::new(bytes)).map_err(refused)?;
    decoder.set_limits(limits()).map_err(refused)?;
    let (w, h) = decoder.dimensions();
    // Each frame is decoded to a whole canvas of RGBA: the frames together stay within the
    // bound of one picture.
    let frame_bytes = u64::from(w) * u64::from(h) * 4;
    let most = (MAX_DECODED_BYTES / frame_bytes.max(1)).min(MAX_FRAMES as u64) as usize;
    let mut frames = Vec::new();
    for frame in decoder.into_frames() {
        if frames.len() == most {
            return Err(NotPicture::TooBig);
        }
        frames.push(frame.map_err(refused)?);
    }
    if frames.is_empty() {
        return Err(NotPicture::Broken);
    }
    let mut out = Vec::new();
    {
        let mut encoder = GifEncoder::new_with_speed(&mut out, 10);
        if frames.len() > 1 {
            encoder.set_repeat(Repeat::Infinite).map_err(refused)?;
        }
        encoder.encode_frames(frames).map_err(refused)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Delay, Frame, Rgba, RgbaImage};

    #[test]
    fn pictures_wider_than_the_limit_are_refused() {
        let mut png = Vec::new();
        image::GrayImage::new(MAX_SIDE + 1, 1)
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        assert_eq!(reencode(Format::Png, &png), Err(NotPicture::TooBig));
        assert_eq!(
            reencode(Format::Jpeg, b"\xFF\xD8\xFFnot really"),
            Err(NotPicture::Broken)
        );
    }

    #[test]
    fn an_animated_gif_keeps_its_frames() {
        let mut gif = Vec::new();
        {
            let mut e = GifEncoder::new(&mut gif);
            let frames = (0..3u8).map(|i| {
                Frame::from_parts(
                    RgbaImage::from_pixel(4, 4, Rgba([i * 80, 0, 0, 255])),
                    0,
                    0,
                    Delay::from_numer_denom_ms(100, 1),
                )
            });
            e.encode_frames(frames).unwrap();
        }
        let out = reencode(Format::Gif, &gif).unwrap();
        let frames = GifDecoder::new(Cursor::new(&out))
            .unwrap()
            .into_frames()
            .collect_frames()
            .unwrap();
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[2].delay().numer_denom_ms(), (100, 1));
    }

    #[test]
    fn webp_is_written_again() {
        let mut webp = Vec::new();
        image::RgbaImage::from_pixel(6, 5, Rgba([1, 2, 3, 255]))
            .write_to(&mut Cursor::new(&mut webp), ImageFormat::WebP)
            .unwrap();
        let out = reencode(Format::WebP, &webp).unwrap();
        assert_eq!(image::load_from_memory(&out).unwrap().width(), 6);
    }
}

//! Opening an input: gzip (multi-member too) and zstd are recognised by
//! their magic bytes, whatever the file is called, and read as the stream
//! they hold.

use std::io::{BufRead, BufReader, Read};

/// How an input's bytes are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

impl Compression {
    /// Recognise the compression from the first bytes of a stream.
    pub fn sniff(head: &[u8]) -> Self {
        if head.starts_with(&ZSTD_MAGIC) {
            Compression::Zstd
        } else if head.starts_with(&GZIP_MAGIC) {
            Compression::Gzip
        } else {
            Compression::None
        }
    }
}

/// A buffered reader of `raw`'s decompressed bytes, and the compression
/// found. Only the first four bytes are looked at.
pub fn decompress<'a>(
    mut raw: impl Read + 'a,
) -> std::io::Result<(Box<dyn BufRead + 'a>, Compression)> {
    let mut head = [0u8; 4];
    let mut n = 0;
    while n < head.len() {
        match raw.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let c = Compression::sniff(&head[..n]);
    let stream =
        BufReader::with_capacity(1 << 16, std::io::Cursor::new(head[..n].to_vec()).chain(raw));
    let out: Box<dyn BufRead + 'a> = match c {
        Compression::None => Box::new(stream),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(stream),
        )),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            1 << 16,
            zstd::stream::read::Decoder::with_buffer(stream)?,
        )),
    };
    Ok((out, c))
}

/// What a file that is no text looks like, from its first bytes (after
/// decompression): the magic number of a common binary format, or NUL
/// bytes, which no text stance reads holds. `None` for anything else.
pub fn binary_kind(head: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 12] = [
        (b"%PDF", "a PDF document"),
        (
            b"PK\x03\x04",
            "a ZIP archive (or a Word, Excel or EPUB file)",
        ),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x7fELF", "an ELF executable"),
        (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
        (b"PAR1", "a Parquet file"),
        (b"SQLite format 3\x00", "an SQLite database"),
        (b"BZh", "a bzip2 stream (stance reads gzip and zstd)"),
        (b"\xfd7zXZ\x00", "an xz stream (stance reads gzip and zstd)"),
        (b"\xff\xfe", "UTF-16 text"),
    ];
    for (magic, what) in MAGIC {
        if head.starts_with(magic) {
            return Some(what);
        }
    }
    if head.starts_with(b"\xfe\xff") {
        return Some("UTF-16 text");
    }
    head.iter()
        .take(8192)
        .any(|&b| b == 0)
        .then_some("a binary file (it holds NUL bytes)")
}

/// A file name without its compression suffix (`a.jsonl.gz` → `a.jsonl`).
pub fn strip_compression_suffix(name: &str) -> &str {
    for ext in [".gz", ".zst", ".zstd"] {
        if let Some(stem) = name.strip_suffix(ext) {
            return stem;
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn binary_files_are_told_from_text() {
        assert_eq!(binary_kind(b"%PDF-1.7\n%\xe2\xe3"), Some("a PDF document"));
        assert!(binary_kind(b"PK\x03\x04\x14\x00").unwrap().contains("ZIP"));
        assert_eq!(binary_kind(b"\x89PNG\r\n\x1a\n"), Some("a PNG image"));
        assert_eq!(binary_kind(b"\x7fELF\x02\x01"), Some("an ELF executable"));
        assert_eq!(binary_kind(b"\xff\xfeT\x00r\x00"), Some("UTF-16 text"));
        assert!(binary_kind(b"abc\x00def").unwrap().contains("NUL"));
        // Text, Windows-1252 text and JSON are not binary.
        assert_eq!(binary_kind(b"Trump said \x93yes\x94."), None);
        assert_eq!(binary_kind(b"{\"id\": 1}\n"), None);
        assert_eq!(binary_kind(b""), None);
    }

    fn read_all(bytes: &[u8]) -> (String, Compression) {
        let (mut r, c) = decompress(bytes).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        (s, c)
    }

    fn gzip(text: &str) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn plain_text_passes_through() {
        assert_eq!(read_all(b"Hello."), ("Hello.".into(), Compression::None));
        assert_eq!(read_all(b""), (String::new(), Compression::None));
        assert_eq!(read_all(b"\x1f"), ("\u{1f}".into(), Compression::None));
    }

    #[test]
    fn gzip_members_are_all_read() {
        let mut two = gzip("first line\n");
        two.extend(gzip("second line\n"));
        assert_eq!(
            read_all(&two),
            ("first line\nsecond line\n".into(), Compression::Gzip)
        );
    }

    #[test]
    fn zstd_frames_are_all_read() {
        let mut two = zstd::encode_all(&b"one\n"[..], 3).unwrap();
        two.extend(zstd::encode_all(&b"two\n"[..], 3).unwrap());
        assert_eq!(read_all(&two), ("one\ntwo\n".into(), Compression::Zstd));
    }

    #[test]
    fn a_reader_giving_one_byte_at_a_time_is_still_sniffed() {
        struct Trickle(Vec<u8>, usize);
        impl Read for Trickle {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.1 >= self.0.len() || buf.is_empty() {
                    return Ok(0);
                }
                buf[0] = self.0[self.1];
                self.1 += 1;
                Ok(1)
            }
        }
        let (mut r, c) = decompress(Trickle(gzip("slow\n"), 0)).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!((s.as_str(), c), ("slow\n", Compression::Gzip));
    }

    #[test]
    fn suffixes() {
        assert_eq!(strip_compression_suffix("a.jsonl.gz"), "a.jsonl");
        assert_eq!(strip_compression_suffix("a.csv.zst"), "a.csv");
        assert_eq!(strip_compression_suffix("a.txt"), "a.txt");
    }
}

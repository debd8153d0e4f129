/*!
ZIP containers: what a relative sends over WeChat (exports, screenshots and
recordings zipped on a phone or on Chinese Windows).

The container itself is an artifact; the vault imports every member as its own
artifact (see `anjing-vault`'s `members.rs`). This module only reads: it checks
the central directory before anything is stored ([`confirm`]), then hands each
safe member to a callback as a size-capped stream ([`walk`]). Nothing is ever
extracted to a path taken from the archive.

Guards:
* names are decoded as UTF-8 when they are valid UTF-8 (the flag, or plain
  ASCII), else as GBK (Chinese Windows writes GBK without the flag);
* absolute paths, drive letters, `..` components, NUL bytes and symlinks are
  refused with a `Warning` problem (`unsafe_path`, `symlink`), the rest goes on;
* a bomb is refused as a whole ([`ImportError::Refused`]): more than
  [`Limits::max_entries`] entries, a declared total or entry size over the
  limits, or an entry expanding more than [`Limits::max_ratio`] times; the
  *actual* bytes are capped too ([`Capped`]), so a lying header changes nothing;
* encrypted or unreadable members are `Unreadable` problems (`unreadable_member`).
*/

use std::io::{self, Read, Seek};

use crate::{Format, Hints, ImportError, ImportStats, Locator, Problem, RecordSink, Severity};

/// Limits against zip bombs.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_entries: usize,
    /// Uncompressed bytes of all members (nested containers included).
    pub max_total: u64,
    /// Uncompressed bytes of one member.
    pub max_entry: u64,
    /// Largest uncompressed/compressed ratio of a member bigger than [`Limits::ratio_floor`].
    pub max_ratio: u64,
    pub ratio_floor: u64,
    /// ZIPs inside ZIPs: the outer one is depth 0.
    pub max_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 10_000,
            max_total: 4 << 30,
            max_entry: 2 << 30,
            // Text exports deflate 10–30×; only crafted data reaches 200× at megabyte sizes.
            max_ratio: 200,
            ratio_floor: 1 << 20,
            max_depth: 3,
        }
    }
}

/// Names the format of a file starting with a ZIP signature.
pub(crate) fn sniff_zip(head: &[u8]) -> Option<Format> {
    if head.starts_with(b"PK\x05\x06") {
        return Some(Format::Zip); // an empty archive
    }
    if !head.starts_with(b"PK\x03\x04") {
        return None;
    }
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    if has(b"[Content_Types].xml") && (has(b"xl/") || has(b"docProps/")) {
        Some(Format::Xlsx)
    } else {
        Some(Format::Zip)
    }
}

fn refused(zh: String, en: String) -> ImportError {
    ImportError::Refused { reason_zh: zh, reason_en: en }
}

fn open<R: Read + Seek>(reader: R) -> Result<zip::ZipArchive<R>, ImportError> {
    zip::ZipArchive::new(reader).map_err(|e| ImportError::NotAnExport {
        reason_zh: "文件像压缩包，但无法读取（可能已损坏、被截断或加密）".into(),
        reason_en: format!("zip: {e}"),
    })
}

/// What the central directory declares.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub entries: usize,
    pub declared_total: u64,
}

/// Reads the central directory only and refuses bombs before anything is stored.
pub fn confirm<R: Read + Seek>(reader: R, limits: &Limits) -> Result<Overview, ImportError> {
    let mut zip = open(reader)?;
    let n = zip.len();
    if n > limits.max_entries {
        return Err(refused(
            format!("压缩包里有 {n} 个文件，超过上限 {}，疑似“压缩炸弹”", limits.max_entries),
            format!("{n} entries > {}", limits.max_entries),
        ));
    }
    let mut total = 0u64;
    for i in 0..n {
        let Ok(f) = zip.by_index_raw(i) else { continue };
        let (size, packed) = (f.size(), f.compressed_size());
        total = total.saturating_add(size);
        check_entry(&decode_name(f.name_raw()), size, packed, limits)?;
    }
    if total > limits.max_total {
        return Err(refused(
            format!(
                "压缩包解开后共 {} MB，超过上限 {} MB，疑似“压缩炸弹”",
                total >> 20,
                limits.max_total >> 20
            ),
            format!("declared total {total} > {}", limits.max_total),
        ));
    }
    Ok(Overview { entries: n, declared_total: total })
}

fn check_entry(name: &str, size: u64, packed: u64, limits: &Limits) -> Result<(), ImportError> {
    if size > limits.max_entry {
        return Err(refused(
            format!("压缩包里的“{name}”解开后有 {} MB，超过上限，疑似“压缩炸弹”", size >> 20),
            format!("entry {name:?} declares {size} bytes > {}", limits.max_entry),
        ));
    }
    if size > limits.ratio_floor && size / packed.max(1) > limits.max_ratio {
        return Err(refused(
            format!(
                "压缩包里的“{name}”压缩比高达 {}:1（{} 字节解开成 {} MB），疑似“压缩炸弹”，已拒绝",
                size / packed.max(1),
                packed,
                size >> 20
            ),
            format!("entry {name:?} ratio {}:1 > {}:1", size / packed.max(1), limits.max_ratio),
        ));
    }
    Ok(())
}

/// Decodes a member name: UTF-8 when valid (the UTF-8 flag, or ASCII), else GBK.
pub fn decode_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GBK.decode_without_bom_handling(raw).0.into_owned(),
    }
}

/// Why a decoded member path is unsafe, if it is.
pub fn unsafe_path(name: &str) -> Option<&'static str> {
    let n = name.replace('\\', "/");
    if n.contains('\0') {
        return Some("NUL byte in name");
    }
    if n.starts_with('/') {
        return Some("absolute path");
    }
    let b = n.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Some("drive letter");
    }
    if n.split('/').any(|c| c == "..") {
        return Some("`..` component");
    }
    None
}

/// Receives one safe member: its decoded path, declared size and a capped stream.
pub type OnFile<'a> = dyn FnMut(&str, u64, &mut dyn Read) -> Result<(), ImportError> + 'a;

/// The cap hit while reading a member: a bomb whose header lied.
#[derive(Debug)]
pub struct LimitExceeded(pub String);

impl std::fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for LimitExceeded {}

/// If `e` (or what it wraps) is a [`LimitExceeded`], the refusal to report.
pub fn refusal(e: &io::Error) -> Option<ImportError> {
    let inner = e.get_ref()?.downcast_ref::<LimitExceeded>()?;
    Some(refused(
        format!("压缩包里的文件解开后远大于声明的大小，疑似“压缩炸弹”，已拒绝（{}）", inner.0),
        inner.0.clone(),
    ))
}

/// A reader that fails with [`LimitExceeded`] past `cap` bytes or `ratio` × compressed size.
pub struct Capped<R> {
    inner: R,
    read: u64,
    cap: u64,
    ratio_cap: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.cap || self.read > self.ratio_cap {
            return Err(io::Error::other(LimitExceeded(format!(
                "more than {} bytes read from one member",
                self.cap.min(self.ratio_cap)
            ))));
        }
        Ok(n)
    }
}

/// What a member is to the others of its ZIP, by the names in the central directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Imported on its own.
    Alone,
    /// A database with `NAME-wal` (and maybe `NAME-shm`) beside it: imported
    /// after the walk, with the WAL applied ([`crate::wal`]).
    Database { wal: String, shm: Option<String> },
    /// The `-wal` of the database member named here.
    Wal { db: String },
    /// The `-shm` of the database member named here (an index, no rows).
    Shm { db: String },
    /// An sms-ie `messages.ndjson` with a `data/` folder beside it: imported
    /// after the walk, linked to the media ([`crate::smsie::import_with`]).
    Messages { parts: Vec<String> },
    /// A file of the `data/` folder next to the `messages.ndjson` named here:
    /// an MMS part's media. Its key in [`crate::Hints::attachments`] is `key`.
    Part { messages: String, key: String },
}

impl Role {
    /// Whether the member waits until the whole ZIP has been walked.
    pub fn deferred(&self) -> bool {
        !matches!(self, Role::Alone)
    }
}

/// The roles of a ZIP's members (see [`plan`]).
#[derive(Debug, Clone, Default)]
pub struct Plan {
    roles: std::collections::BTreeMap<String, Role>,
}

impl Plan {
    /// The role of a member by its decoded name.
    pub fn role(&self, name: &str) -> Role {
        self.roles.get(name).cloned().unwrap_or(Role::Alone)
    }

    /// Members that are imported after the walk (databases with a WAL, sms-ie
    /// messages with media), in name order.
    pub fn groups(&self) -> impl Iterator<Item = (&str, &Role)> {
        self.roles
            .iter()
            .filter(|(_, r)| matches!(r, Role::Database { .. } | Role::Messages { .. }))
            .map(|(n, r)| (n.as_str(), r))
    }
}

/// Reads the central directory and names which members belong together, by
/// the names the tools that write them use (content still decides the format
/// of each; a group whose main member turns out to be something else is
/// imported member by member):
/// * `X-wal` / `X-shm` beside a member `X` (SQLite's write-ahead log and its
///   index: a phone database copied while in use);
/// * `D/messages.ndjson` with members under `D/data/` (the SMS Import/Export
///   app's message export: `messages.ndjson`, then each MMS part's media as
///   `data/<file name>`; tmo1/sms-ie `ImportExportMessages.kt`).
pub fn plan<R: Read + Seek>(reader: R) -> Result<Plan, ImportError> {
    let mut zip = open(reader)?;
    let mut names = std::collections::BTreeSet::new();
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index_raw(i) else { continue };
        if f.is_dir() {
            continue;
        }
        let name = decode_name(f.name_raw());
        if unsafe_path(&name).is_none() {
            names.insert(name);
        }
    }
    let mut roles = std::collections::BTreeMap::new();
    for name in &names {
        for (suffix, is_wal) in [("-wal", true), ("-shm", false)] {
            let Some(db) = name.strip_suffix(suffix) else { continue };
            if db.is_empty() || !names.contains(db) {
                continue;
            }
            let wal = format!("{db}-wal");
            if !names.contains(&wal) {
                continue; // an -shm alone adds nothing: the database is read as it is
            }
            let role =
                if is_wal { Role::Wal { db: db.into() } } else { Role::Shm { db: db.into() } };
            roles.insert(name.clone(), role);
            let shm = format!("{db}-shm");
            roles.insert(
                db.to_string(),
                Role::Database { wal, shm: names.contains(&shm).then_some(shm) },
            );
        }
    }
    for name in &names {
        let (dir, base) = match name.rsplit_once('/') {
            Some((d, b)) => (format!("{d}/"), b),
            None => (String::new(), name.as_str()),
        };
        if base != "messages.ndjson" || roles.contains_key(name) {
            continue;
        }
        let data = format!("{dir}data/");
        let parts: Vec<String> = names
            .iter()
            .filter(|n| n.starts_with(&data) && !roles.contains_key(*n))
            .cloned()
            .collect();
        if parts.is_empty() {
            continue;
        }
        for p in &parts {
            let key = p[dir.len()..].to_string();
            roles.insert(p.clone(), Role::Part { messages: name.clone(), key });
        }
        roles.insert(name.clone(), Role::Messages { parts });
    }
    Ok(Plan { roles })
}

fn member_locator(path: &str, index: u64) -> Locator {
    Locator { path: path.to_string(), index, line: 0, column: 0, offset: 0 }
}

/// Walks the members of a ZIP: each safe regular file is handed to `on_file`
/// with its decoded path and a capped stream; `budget` is what is left of
/// [`Limits::max_total`] (shared with nested containers). `prefix` is the
/// display path of the container (`原始文件.zip`), used in problem locators
/// as `原始文件.zip!/子目录/短信.xml`.
pub fn walk<R: Read + Seek>(
    reader: R,
    prefix: &str,
    limits: &Limits,
    budget: &std::cell::Cell<u64>,
    on_file: &mut OnFile<'_>,
    on_problem: &mut dyn FnMut(Problem) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut zip = open(reader)?;
    for i in 0..zip.len() {
        let loc_of = |name: &str| member_locator(&format!("{prefix}!/{name}"), i as u64);
        let failed = zip.by_index(i).err();
        if let Some(e) = failed {
            {
                let name = zip
                    .by_index_raw(i)
                    .map(|f| decode_name(f.name_raw()))
                    .unwrap_or_else(|_| format!("#{i}"));
                on_problem(Problem {
                    severity: Severity::Unreadable,
                    code: "unreadable_member".into(),
                    locator: Some(loc_of(&name)),
                    message_zh: format!("压缩包里的“{name}”无法解开（可能加密或损坏），没有导入"),
                    cause_en: format!("zip entry {i}: {e}"),
                })?;
                continue;
            }
        }
        let Ok(mut f) = zip.by_index(i) else { continue };
        let name = decode_name(f.name_raw());
        if f.is_dir() {
            continue;
        }
        if f.is_symlink() {
            on_problem(Problem {
                severity: Severity::Warning,
                code: "symlink".into(),
                locator: Some(loc_of(&name)),
                message_zh: format!("压缩包里的“{name}”是符号链接，已拒绝（不跟随链接）"),
                cause_en: "symbolic link member refused".into(),
            })?;
            continue;
        }
        if let Some(why) =
            unsafe_path(&name).or_else(|| f.enclosed_name().is_none().then_some("not enclosed"))
        {
            on_problem(Problem {
                severity: Severity::Warning,
                code: "unsafe_path".into(),
                locator: Some(loc_of(&name)),
                message_zh: format!(
                    "压缩包里的“{name}”路径不安全（绝对路径或含 ..），已拒绝，没有导入"
                ),
                cause_en: format!("unsafe member path: {why}"),
            })?;
            continue;
        }
        let (size, packed) = (f.size(), f.compressed_size());
        check_entry(&name, size, packed, limits)?;
        if size > budget.get() {
            return Err(refused(
                format!(
                    "压缩包（含嵌套的压缩包）解开后超过上限 {} MB，疑似“压缩炸弹”",
                    limits.max_total >> 20
                ),
                format!("total uncompressed size over {}", limits.max_total),
            ));
        }
        let cap = limits.max_entry.min(budget.get());
        let ratio_cap = packed.max(1).saturating_mul(limits.max_ratio).max(limits.ratio_floor);
        let mut capped = Capped { inner: &mut f, read: 0, cap, ratio_cap };
        on_file(&name, size, &mut capped)?;
        budget.set(budget.get().saturating_sub(capped.read));
    }
    Ok(())
}

/// [`crate::import_with`] for a ZIP outside the vault (tests, fuzzing): walks
/// the members, reads them through the caps and lists each as a `Warning`;
/// the vault imports them as artifacts instead.
pub fn list<R: Read + Seek>(
    mut reader: R,
    hints: &Hints,
    sink: &mut dyn RecordSink,
) -> Result<ImportStats, ImportError> {
    let limits = Limits::default();
    confirm(&mut reader, &limits)?;
    reader.rewind()?;
    let budget = std::cell::Cell::new(limits.max_total);
    let mut stats = ImportStats::default();
    let prefix = if hints.file_name.is_empty() { "zip" } else { &hints.file_name };
    let mut members = Vec::new();
    let mut problems = Vec::new();
    walk(
        reader,
        prefix,
        &limits,
        &budget,
        &mut |name, _, r| {
            let n = io::copy(r, &mut io::sink())
                .map_err(|e| refusal(&e).unwrap_or(ImportError::Io(e)))?;
            members.push((name.to_string(), n));
            Ok(())
        },
        &mut |p| {
            problems.push(p);
            Ok(())
        },
    )?;
    for (i, (name, n)) in members.into_iter().enumerate() {
        problems.push(Problem {
            severity: Severity::Warning,
            code: "member_not_imported".into(),
            locator: Some(member_locator(&format!("{prefix}!/{name}"), i as u64)),
            message_zh: format!("压缩包里的“{name}”（{n} 字节）需要通过案件导入"),
            cause_en: "zip members are imported by the vault".into(),
        });
    }
    for p in problems {
        stats.problems += 1;
        sink.problem(p)?;
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn names_paths_and_sniffing() {
        assert_eq!(decode_name("短信.xml".as_bytes()), "短信.xml");
        let (gbk, _, _) = encoding_rs::GBK.encode("妈妈/短信.xml");
        assert_eq!(decode_name(&gbk), "妈妈/短信.xml");
        for bad in ["../x", "a/../../x", "/etc/passwd", "C:\\x", "a\\..\\..\\b"] {
            assert!(unsafe_path(bad).is_some(), "{bad}");
        }
        assert!(unsafe_path("子目录/短信.xml").is_none());
        let z = zip_of(&[("a.txt", b"hello")]);
        assert_eq!(sniff_zip(&z), Some(Format::Zip));
    }

    #[test]
    fn a_bomb_is_refused_before_and_while_reading() {
        let zeros = vec![0u8; 8 << 20];
        let z = zip_of(&[("zeros.bin", &zeros)]);
        assert!(z.len() < 64 * 1024);
        let e = confirm(Cursor::new(&z), &Limits::default()).unwrap_err();
        assert!(matches!(e, ImportError::Refused { .. }), "{e}");
        // With the declared check off, the actual-bytes cap still stops it.
        let lax = Limits { max_ratio: u64::MAX / 2, max_entry: 1 << 20, ..Limits::default() };
        let budget = std::cell::Cell::new(u64::MAX);
        let mut on_file = |_: &str, _: u64, r: &mut dyn Read| -> Result<(), ImportError> {
            io::copy(r, &mut io::sink()).map_err(|e| refusal(&e).unwrap_or(ImportError::Io(e)))?;
            Ok(())
        };
        let r = walk(
            Cursor::new(&z),
            "b.zip",
            &Limits { max_entry: u64::MAX, ..lax.clone() },
            &budget,
            &mut on_file,
            &mut |_| Ok(()),
        );
        assert!(r.is_ok());
        let budget = std::cell::Cell::new(1 << 20);
        let r = walk(
            Cursor::new(&z),
            "b.zip",
            &Limits { max_entry: u64::MAX, ..lax },
            &budget,
            &mut on_file,
            &mut |_| Ok(()),
        );
        assert!(matches!(r, Err(ImportError::Refused { .. })), "{r:?}");
    }

    #[test]
    fn plan_pairs_databases_with_their_wal_and_smsie_messages_with_their_media() {
        let z = zip_of(&[
            ("手机/mmssms.db", b"x"),
            ("手机/mmssms.db-wal", b"x"),
            ("手机/mmssms.db-shm", b"x"),
            ("calllog.db", b"x"),
            ("calllog.db-shm", b"x"),
            ("sms-ie/messages.ndjson", b"{}"),
            ("sms-ie/data/PART_1.jpg", b"x"),
            ("sms-ie/data/PART_2.amr", b"x"),
            ("data/PART_3.jpg", b"x"),
        ]);
        let p = plan(Cursor::new(&z)).unwrap();
        assert_eq!(
            p.role("手机/mmssms.db"),
            Role::Database {
                wal: "手机/mmssms.db-wal".into(),
                shm: Some("手机/mmssms.db-shm".into())
            }
        );
        assert_eq!(p.role("手机/mmssms.db-wal"), Role::Wal { db: "手机/mmssms.db".into() });
        assert_eq!(p.role("手机/mmssms.db-shm"), Role::Shm { db: "手机/mmssms.db".into() });
        // An -shm without a WAL changes nothing: both are members of their own.
        assert_eq!(p.role("calllog.db"), Role::Alone);
        assert_eq!(p.role("calllog.db-shm"), Role::Alone);
        assert_eq!(
            p.role("sms-ie/messages.ndjson"),
            Role::Messages {
                parts: vec!["sms-ie/data/PART_1.jpg".into(), "sms-ie/data/PART_2.amr".into()]
            }
        );
        assert_eq!(
            p.role("sms-ie/data/PART_2.amr"),
            Role::Part { messages: "sms-ie/messages.ndjson".into(), key: "data/PART_2.amr".into() }
        );
        // A data/ folder without a messages.ndjson beside it is just files.
        assert_eq!(p.role("data/PART_3.jpg"), Role::Alone);
        assert_eq!(p.groups().count(), 2);
    }

    #[test]
    fn garbage_is_not_an_export() {
        assert!(matches!(
            confirm(Cursor::new(b"PK\x03\x04garbage"), &Limits::default()),
            Err(ImportError::NotAnExport { .. })
        ));
    }
}

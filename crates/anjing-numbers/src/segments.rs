//! Reader of `phone.dat` (formats.md §4.1), embedded in the binary.
//!
//! ```text
//! [0..4)   version, 4 ASCII bytes ("2312")
//! [4..8)   i32 LE offset of the first index entry
//! [8..first_index)   records "省|市|邮编|区号\0"
//! [first_index..EOF) index entries of 9 bytes, sorted by prefix:
//!          i32 LE first 7 digits, i32 LE record offset, u8 card type
//! ```
//!
//! The card type byte is inconsistent for virtual operators (1700–1702 are
//! typed 电信, 171 partly 联通…), so whether a number is a virtual-operator
//! number is derived from its prefix ([`virtual_operator`]), and the card type
//! only gives the network (移动 / 联通 / 电信 / 广电).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;

/// The embedded table (PyPI `phone` 0.4.5, MIT; see `data/NOTICE`).
static PHONE_DAT: &[u8] = include_bytes!("../data/phone.dat");

/// The mobile network a segment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    ChinaMobile,
    ChinaUnicom,
    ChinaTelecom,
    ChinaBroadnet,
    Unknown,
}

impl Network {
    fn from_card_type(t: u8) -> Network {
        match t {
            1 | 6 => Network::ChinaMobile,
            2 | 5 => Network::ChinaUnicom,
            3 | 4 => Network::ChinaTelecom,
            7 | 8 => Network::ChinaBroadnet,
            _ => Network::Unknown,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Network::ChinaMobile => "中国移动",
            Network::ChinaUnicom => "中国联通",
            Network::ChinaTelecom => "中国电信",
            Network::ChinaBroadnet => "中国广电",
            Network::Unknown => "未知运营商",
        }
    }
}

/// A virtual-operator (转售) range and the network it resells, by prefix
/// (formats.md §4.2): 1700–1702/162 电信, 1703/1705/1706/165 移动,
/// 1704/1707–1709/171/167 联通.
pub fn virtual_operator(national: &str) -> Option<Network> {
    let p = |s: &str| national.starts_with(s);
    if p("1700") || p("1701") || p("1702") || p("162") {
        Some(Network::ChinaTelecom)
    } else if p("1703") || p("1705") || p("1706") || p("165") {
        Some(Network::ChinaMobile)
    } else if p("1704") || p("1707") || p("1708") || p("1709") || p("171") || p("167") {
        Some(Network::ChinaUnicom)
    } else {
        None
    }
}

/// One segment of the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// The first 7 digits.
    pub prefix: u32,
    pub province: String,
    pub city: String,
    pub postcode: String,
    /// With the trunk 0, e.g. `0411`.
    pub area_code: String,
    /// The raw card-type byte of the table.
    pub card_type: u8,
    pub network: Network,
}

/// The parsed header of the table and an area-code index.
#[derive(Debug)]
pub struct SegmentTable {
    data: &'static [u8],
    version: String,
    first_index: usize,
    count: usize,
    areas: BTreeMap<String, Vec<(String, String)>>,
}

const ENTRY: usize = 9;

fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl SegmentTable {
    /// The embedded table, parsed once. `None` only if the embedded file is damaged.
    pub fn builtin() -> Option<&'static SegmentTable> {
        static TABLE: OnceLock<Option<SegmentTable>> = OnceLock::new();
        TABLE.get_or_init(|| SegmentTable::parse(PHONE_DAT)).as_ref()
    }

    /// Parses a table in the phone.dat format. Returns `None` for a malformed file.
    pub fn parse(data: &'static [u8]) -> Option<SegmentTable> {
        let version = std::str::from_utf8(data.get(0..4)?).ok()?.to_string();
        let first_index = le_u32(data, 4)? as usize;
        if first_index < 8
            || first_index > data.len()
            || !(data.len() - first_index).is_multiple_of(ENTRY)
        {
            return None;
        }
        let count = (data.len() - first_index) / ENTRY;
        let mut areas: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        let mut at = 8;
        while at < first_index {
            let end = at + data[at..first_index].iter().position(|&b| b == 0)?;
            if let Ok(rec) = std::str::from_utf8(&data[at..end]) {
                let f: Vec<&str> = rec.split('|').collect();
                if f.len() == 4 && !f[3].is_empty() {
                    let place = (f[0].to_string(), f[1].to_string());
                    let v = areas.entry(f[3].to_string()).or_default();
                    if !v.contains(&place) {
                        v.push(place);
                    }
                }
            }
            at = end + 1;
        }
        for v in areas.values_mut() {
            v.sort();
        }
        Some(SegmentTable { data, version, first_index, count, areas })
    }

    /// The version header, e.g. `2312` (December 2023).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Number of 7-digit prefixes in the table.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn entry(&self, i: usize) -> Option<(u32, usize, u8)> {
        let at = self.first_index + i * ENTRY;
        Some((le_u32(self.data, at)?, le_u32(self.data, at + 4)? as usize, *self.data.get(at + 8)?))
    }

    fn record(&self, offset: usize) -> Option<[&'static str; 4]> {
        let data: &'static [u8] = self.data;
        let rest = data.get(offset..self.first_index)?;
        let end = rest.iter().position(|&b| b == 0)?;
        let s = std::str::from_utf8(&rest[..end]).ok()?;
        let mut it = s.split('|');
        Some([it.next()?, it.next()?, it.next()?, it.next()?])
    }

    /// Looks up an 11-digit mainland mobile number (national form, no `+86`).
    /// Binary search on its first 7 digits.
    pub fn lookup(&self, national: &str) -> Option<Segment> {
        if national.len() != 11 || !national.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let prefix: u32 = national[..7].parse().ok()?;
        let (mut lo, mut hi) = (0usize, self.count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let (p, offset, card_type) = self.entry(mid)?;
            match p.cmp(&prefix) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let [province, city, postcode, area_code] = self.record(offset)?;
                    return Some(Segment {
                        prefix,
                        province: province.to_string(),
                        city: city.to_string(),
                        postcode: postcode.to_string(),
                        area_code: area_code.to_string(),
                        card_type,
                        network: Network::from_card_type(card_type),
                    });
                }
            }
        }
        None
    }

    /// The places (province, city) whose records carry this area code (with the
    /// trunk 0, e.g. `0531`). Several cities can share one code.
    pub fn area_places(&self, area_code: &str) -> &[(String, String)] {
        self.areas.get(area_code).map(Vec::as_slice).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_reads() {
        let t = SegmentTable::builtin().expect("embedded phone.dat parses");
        assert_eq!(t.version(), "2312");
        assert_eq!(t.len(), 499_527);
        let s = t.lookup("13812345678").unwrap();
        assert_eq!((s.province.as_str(), s.city.as_str()), ("江苏", "连云港"));
        assert_eq!(s.network, Network::ChinaMobile);
        assert_eq!(s.area_code, "0518");
        let s = t.lookup("17112345678").unwrap();
        assert_eq!((s.province.as_str(), s.city.as_str()), ("辽宁", "大连"));
        assert_eq!(t.lookup("19212345678").unwrap().network, Network::ChinaBroadnet);
    }

    #[test]
    fn first_and_last_entries_and_misses() {
        let t = SegmentTable::builtin().unwrap();
        let (first, _, _) = t.entry(0).unwrap();
        let (last, _, _) = t.entry(t.len() - 1).unwrap();
        assert!(t.lookup(&format!("{first}0000")).is_some());
        assert!(t.lookup(&format!("{last}9999")).is_some());
        assert!(t.lookup("10000000000").is_none());
        assert!(t.lookup("1381234").is_none());
        assert!(t.lookup("1381234567x").is_none());
    }

    #[test]
    fn virtual_operator_comes_from_the_prefix() {
        assert_eq!(virtual_operator("17012345678"), Some(Network::ChinaTelecom));
        assert_eq!(virtual_operator("17052345678"), Some(Network::ChinaMobile));
        assert_eq!(virtual_operator("17112345678"), Some(Network::ChinaUnicom));
        assert_eq!(virtual_operator("16212345678"), Some(Network::ChinaTelecom));
        assert_eq!(virtual_operator("16512345678"), Some(Network::ChinaMobile));
        assert_eq!(virtual_operator("16712345678"), Some(Network::ChinaUnicom));
        assert_eq!(virtual_operator("17312345678"), None);
    }

    #[test]
    fn area_codes_map_back_to_cities() {
        let t = SegmentTable::builtin().unwrap();
        assert!(t.area_places("0531").contains(&("山东".into(), "济南".into())));
        assert!(t.area_places("010").iter().any(|(_, c)| c == "北京"));
        assert!(t.area_places("0999999").is_empty());
    }
}

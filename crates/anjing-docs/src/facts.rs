//! The case facts the documents read, and the bookkeeping of what is missing.

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::model::Inline;

/// Every fact key a document may read, with the label printed in a `【待填写】` marker.
///
/// The first group is what `anjing facts` asks; the rest are only needed by court papers
/// (民事诉讼法第一百二十四条 asks for gender, age, ethnicity, occupation, address…) and can be
/// set the same way (`anjing facts --set key=value`) or filled in by hand in the DOCX.
pub const FACT_KEYS: &[(&str, &str)] = &[
    ("borrower_name", "借款人姓名"),
    ("borrower_id_number", "借款人身份证号"),
    ("borrower_phone", "借款人联系电话"),
    ("borrower_address", "借款人住所"),
    ("lender_type", "放贷机构类型"),
    ("lender_name", "放贷机构全称"),
    ("app_name", "借款App名称"),
    ("loan_contract", "借款合同编号或借款情况"),
    ("loan_amount", "借款金额"),
    ("collector_company", "催收机构名称"),
    ("contacted_people", "被联系的是哪些人"),
    ("remedy", "希望达到的结果"),
    ("damages", "精神损害抚慰金金额（元）"),
    ("borrower_gender", "借款人性别"),
    ("borrower_birth_date", "借款人出生日期"),
    ("borrower_ethnicity", "借款人民族"),
    ("borrower_occupation", "借款人职业及工作单位"),
    ("lender_address", "放贷机构住所"),
    ("lender_representative", "放贷机构法定代表人"),
    ("collector_address", "催收机构住所"),
    ("court", "受诉人民法院"),
    ("police_station", "公安机关（派出所）名称"),
    ("relative_name", "亲友姓名"),
    ("relative_relation", "亲友与借款人的关系"),
    ("relative_gender", "亲友性别"),
    ("relative_birth_date", "亲友出生日期"),
    ("relative_ethnicity", "亲友民族"),
    ("relative_occupation", "亲友职业及工作单位"),
    ("relative_id_number", "亲友身份证号"),
    ("relative_phone", "亲友联系电话"),
    ("relative_address", "亲友住所"),
];

/// The label of a fact key (the key itself if unknown).
pub fn label(key: &str) -> &str {
    FACT_KEYS.iter().find(|(k, _)| *k == key).map(|(_, l)| *l).unwrap_or(key)
}

/// Reads facts and remembers every one that was needed but absent.
pub(crate) struct Facts<'a> {
    map: &'a BTreeMap<String, String>,
    missing: RefCell<Vec<String>>,
}

impl<'a> Facts<'a> {
    pub(crate) fn new(map: &'a BTreeMap<String, String>) -> Self {
        Facts { map, missing: RefCell::new(Vec::new()) }
    }

    /// The value, trimmed, if set and not empty.
    pub(crate) fn get(&self, key: &str) -> Option<&'a str> {
        self.map.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    /// The value as text, or a visible `【待填写】` marker (and the key is listed as missing).
    pub(crate) fn field(&self, key: &str) -> Inline {
        match self.get(key) {
            Some(v) => Inline::Text(v.to_string()),
            None => self.missing(label(key)),
        }
    }

    /// A marker for something the case lacks that is not a fact key (e.g. `证人住所`).
    pub(crate) fn missing(&self, label: &str) -> Inline {
        let mut m = self.missing.borrow_mut();
        if !m.iter().any(|l| l == label) {
            m.push(label.to_string());
        }
        Inline::Missing(label.to_string())
    }

    pub(crate) fn into_missing(self) -> Vec<String> {
        self.missing.into_inner()
    }
}

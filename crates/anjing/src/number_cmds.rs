//! `anjing number`: explains a phone number offline (class, 归属地, notes).

use anyhow::Result;

use crate::exit::Status;

pub fn number(raw: &str, json: bool) -> Result<Status> {
    let info = anjing_numbers::explain(raw);
    if json {
        println!("{}", serde_json::to_string_pretty(&info)?);
        return Ok(Status::Ok);
    }
    println!("号码：{}", info.input.trim());
    println!("统一写法：{}", info.normalized);
    println!("类型：{}", info.class_zh);
    if let Some(m) = &info.mobile {
        if !m.province.is_empty() {
            let place = if m.province == m.city {
                m.city.clone()
            } else {
                format!("{} {}", m.province, m.city)
            };
            println!("归属地：{place}（登记地，不是对方所在位置）");
            println!("运营商：{}", m.network_zh);
        } else {
            println!("归属地：号段表里没有这个号段");
        }
        if let Some(r) = &m.resold_from_zh {
            println!("虚拟运营商：是（转售{r}的网络）");
        }
    }
    if let Some(l) = &info.landline {
        if l.places.is_empty() {
            println!("区号：{}（号段表里没有对应城市）", l.area_code);
        } else {
            println!("区号：{}（{}）", l.area_code, l.places.join("、"));
        }
    }
    if let Some(what) = &info.lookalike_of {
        println!("冒充：{what}");
    }
    println!();
    for n in &info.notes {
        println!("· {n}");
    }
    println!("\n（号段数据：PyPI phone 0.4.5，版本 {}，MIT 许可）", info.data_version);
    Ok(Status::Ok)
}

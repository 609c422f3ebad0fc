//! The short names people use for agencies (工信局 for 工业和信息化局): one table, read both ways.
//!
//! Typed input is expanded (`中卫 工信局` finds 中卫市工业和信息化局) and every agency name is
//! also kept in its short form, so initials of the short form (`zwgxj`) find it too. Old names
//! of renamed agencies (环保局, 国土局, 农业局) are here as well: people still type them.

/// (short, full). Where several short forms share a full name, the first is the one the
/// names are shortened to.
pub const ABBREVIATIONS: &[(&str, &str)] = &[
    ("工信局", "工业和信息化局"),
    ("工信厅", "工业和信息化厅"),
    ("经信局", "经济和信息化局"),
    ("人社局", "人力资源和社会保障局"),
    ("人社厅", "人力资源和社会保障厅"),
    ("住建局", "住房和城乡建设局"),
    ("住建厅", "住房和城乡建设厅"),
    ("市监局", "市场监督管理局"),
    ("市场监管局", "市场监督管理局"),
    ("发改委", "发展和改革委员会"),
    ("发改局", "发展和改革局"),
    ("卫健委", "卫生健康委员会"),
    ("卫健局", "卫生健康局"),
    ("卫计委", "卫生和计划生育委员会"),
    ("环保局", "生态环境局"),
    ("环保厅", "生态环境厅"),
    ("自规局", "自然资源和规划局"),
    ("国土局", "自然资源局"),
    ("国土资源局", "自然资源局"),
    ("交通局", "交通运输局"),
    ("交通厅", "交通运输厅"),
    ("农业局", "农业农村局"),
    ("农业厅", "农业农村厅"),
    ("文旅局", "文化和旅游局"),
    ("文旅厅", "文化和旅游厅"),
    ("文广旅局", "文化广电和旅游局"),
    ("应急局", "应急管理局"),
    ("应急厅", "应急管理厅"),
    ("医保局", "医疗保障局"),
    ("退役军人局", "退役军人事务局"),
    ("退役军人厅", "退役军人事务厅"),
    ("政数局", "政务服务和数据管理局"),
    ("国资委", "国有资产监督管理委员会"),
    ("民宗委", "民族宗教事务委员会"),
    ("教体局", "教育和体育局"),
    ("林草局", "林业和草原局"),
    ("粮储局", "粮食和物资储备局"),
    ("城管局", "城市管理局"),
    ("广电局", "广播电视局"),
    ("编办", "机构编制委员会办公室"),
    ("公积金中心", "住房公积金管理中心"),
    ("政府办", "人民政府办公室"),
    ("政府", "人民政府"),
];

/// Replaces in `s` every occurrence of a `from` of `pairs`, longest first, never inside text
/// that an earlier replacement put there. `None` when nothing was replaced.
fn replace_all<'a>(s: &str, pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Option<String> {
    let mut pairs: Vec<(&str, &str)> = pairs.collect();
    pairs.sort_by_key(|(from, _)| std::cmp::Reverse(from.chars().count()));
    let mut out = String::with_capacity(s.len() * 2);
    let mut rest = s;
    let mut changed = false;
    'scan: while let Some(c) = rest.chars().next() {
        for (from, to) in &pairs {
            if let Some(after) = rest.strip_prefix(from) {
                out.push_str(to);
                rest = after;
                changed = true;
                continue 'scan;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    changed.then_some(out)
}

/// The input with every short form written out (`中卫工信局` → `中卫工业和信息化局`); a full
/// name already there is left as it is (人民政府 stays 人民政府).
pub fn expand(input: &str) -> Option<String> {
    // A full form that contains a short one (人民政府 ⊃ 政府) is kept by mapping it to itself.
    let keep = ABBREVIATIONS.iter().map(|&(_, full)| (full, full));
    let out = replace_all(input, ABBREVIATIONS.iter().copied().chain(keep))?;
    (out != input).then_some(out)
}

/// An agency's name with its full forms shortened (`中卫市工业和信息化局` → `中卫市工信局`).
pub fn shorten(name: &str) -> Option<String> {
    let mut seen: Vec<&str> = Vec::new();
    let firsts = ABBREVIATIONS.iter().filter_map(|&(short, full)| {
        if seen.contains(&full) {
            return None;
        }
        seen.push(full);
        Some((full, short))
    });
    let firsts: Vec<(&str, &str)> = firsts.collect();
    replace_all(name, firsts.into_iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_short_forms_and_leaves_full_names_alone() {
        assert_eq!(expand("中卫工信局").as_deref(), Some("中卫工业和信息化局"));
        assert_eq!(expand("人社局").as_deref(), Some("人力资源和社会保障局"));
        assert_eq!(expand("市场监管局").as_deref(), Some("市场监督管理局"));
        assert_eq!(expand("银川市政府").as_deref(), Some("银川市人民政府"));
        assert_eq!(expand("银川市人民政府"), None);
        assert_eq!(expand("人民政府办公室"), None);
        assert_eq!(expand("公共资源交易中心"), None);
    }

    #[test]
    fn shortens_names_to_the_first_short_form() {
        assert_eq!(
            shorten("中卫市工业和信息化局").as_deref(),
            Some("中卫市工信局")
        );
        assert_eq!(
            shorten("银川市市场监督管理局").as_deref(),
            Some("银川市市监局")
        );
        assert_eq!(
            shorten("银川市人民政府办公室").as_deref(),
            Some("银川市政府办")
        );
        assert_eq!(shorten("银川市人民政府").as_deref(), Some("银川市政府"));
        assert_eq!(shorten("石嘴山市公共资源交易中心"), None);
    }

    #[test]
    fn every_short_form_differs_and_is_given_once() {
        for (i, (short, full)) in ABBREVIATIONS.iter().enumerate() {
            assert_ne!(short, full);
            assert!(
                ABBREVIATIONS[..i].iter().all(|(s, _)| s != short),
                "{short} twice"
            );
        }
    }
}

//! Finding agencies the way people type them: the full name, Chinese parts, pinyin, initials, short names.
//!
//! Each name is kept with every reading of each character (`to_pinyin_multi`, so polyphones
//! such as 重 zhong/chong or 行 xing/hang work), and again in its short form (工信局, from the
//! one table of `abbrev.rs`). Input is split on whitespace and every part must match. A part is
//! read character by character: a Chinese character must be the name's character, Latin
//! letters are the full reading or a prefix of it of each character in turn — so `zhongwei`,
//! `zw`, `zwsggzy`, `zhongw` and `中卫gy` all find 中卫市…
//!
//! Matches are graded and only the best grade found is given, so forgiving never buries what
//! was typed exactly: (1) the characters stand together in the name; (2) they do once short
//! forms are written out in the input or used in the name (`工信局`, `zwgxj`); (3) they stand in
//! the name in order with others between (`zwgyhxxhj` or `zhongweigongye` without 市).

use super::abbrev;
use crate::text::{fold_width, is_cjk};
use pinyin::ToPinyinMulti;

/// A name as characters, each with the ways it can be typed.
#[derive(Debug, Clone)]
struct Form {
    /// Whitespace removed, widths folded, lowercased: for substring matching.
    norm: String,
    /// Per character: the character itself, then its readings (lowercase ASCII without tones).
    readings: Vec<Vec<Box<[char]>>>,
}

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    /// The name, then its short form if it has one.
    forms: Vec<Form>,
}

/// Matches user input against the agency names of an index.
#[derive(Debug, Clone, Default)]
pub struct AgencyMatcher {
    entries: Vec<Entry>,
}

fn norm(s: &str) -> String {
    s.chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

fn readings(c: char) -> Vec<Box<[char]>> {
    let mut v: Vec<Box<[char]>> = vec![Box::from([c])];
    if is_cjk(c) {
        if let Some(m) = c.to_pinyin_multi() {
            for p in m {
                let s: Box<[char]> = p.plain().replace('ü', "v").chars().collect();
                if !v.contains(&s) {
                    v.push(s);
                }
            }
        }
    }
    v
}

impl Form {
    fn new(name: &str) -> Form {
        let norm = norm(name);
        let readings = norm.chars().map(readings).collect();
        Form { norm, readings }
    }

    /// Whether `q` can be read from the name's characters, each taking a nonempty prefix of
    /// one of its readings, all of `q` consumed: from consecutive characters, or (`skip`)
    /// from characters in order with any others between.
    fn reads(&self, q: &[char], skip: bool) -> bool {
        let n = q.len();
        if n == 0 {
            return true;
        }
        // Bit k of `reach`: q[..k] is consumed by the characters up to the current one. A
        // bit set, not an array: this runs for every name on every keystroke. Input longer
        // than the set (127 characters) is found only as it is written (the substring test).
        if n >= 128 {
            return false;
        }
        let full = 1u128 << n;
        let mut reach: u128 = 1;
        for rs in &self.readings {
            // A consecutive match may start at any character; in order, what was consumed
            // stays consumed when a character is skipped.
            let mut next: u128 = if skip { reach } else { 1 };
            let mut bits = reach;
            while bits != 0 {
                let k = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                for r in rs {
                    let mut m = 0;
                    while m < r.len() && k + m < n && r[m] == q[k + m] {
                        m += 1;
                        next |= 1 << (k + m);
                    }
                }
            }
            if next & full != 0 {
                return true;
            }
            reach = next;
        }
        false
    }
}

/// How well a part matches: lower is better.
type Grade = u8;
const TOGETHER: Grade = 1;
const SHORT_FORM: Grade = 2;
const IN_ORDER: Grade = 3;

/// A part of the input, normalised, and with its short forms written out.
struct Part {
    chars: Vec<char>,
    text: String,
    expanded: Option<(String, Vec<char>)>,
    /// Has Latin letters or digits: without, reading it is matching its characters, and the
    /// characters-together grade is a substring test.
    latin: bool,
}

impl Part {
    fn new(text: String) -> Part {
        let expanded = abbrev::expand(&text).map(|e| {
            let c = e.chars().collect();
            (e, c)
        });
        Part {
            chars: text.chars().collect(),
            latin: text.bytes().any(|b| b.is_ascii_alphanumeric()),
            text,
            expanded,
        }
    }
}

impl Form {
    /// `text` (whose characters are `chars`) stands in the name, read together.
    fn together(&self, text: &str, chars: &[char], latin: bool) -> bool {
        self.norm.contains(text) || (latin && self.reads(chars, false))
    }
}

impl Entry {
    /// Whether `p` matches this name at grade `g` or better.
    fn matches_at(&self, p: &Part, g: Grade) -> bool {
        let name = &self.forms[0];
        if name.together(&p.text, &p.chars, p.latin) {
            return true;
        }
        if g < SHORT_FORM {
            return false;
        }
        let expanded = p.expanded.as_ref();
        let short = self.forms.get(1);
        if expanded.is_some_and(|(e, c)| name.together(e, c, p.latin))
            || short.is_some_and(|s| s.together(&p.text, &p.chars, p.latin))
        {
            return true;
        }
        if g < IN_ORDER {
            return false;
        }
        let in_order =
            |f: &Form| f.reads(&p.chars, true) || expanded.is_some_and(|(_, c)| f.reads(c, true));
        self.forms.iter().any(in_order)
    }
}

impl AgencyMatcher {
    pub fn new(names: Vec<String>) -> AgencyMatcher {
        let entries = names
            .into_iter()
            .map(|name| {
                let mut forms = vec![Form::new(&name)];
                if let Some(short) = abbrev::shorten(&name) {
                    forms.push(Form::new(&short));
                }
                Entry { name, forms }
            })
            .collect();
        AgencyMatcher { entries }
    }

    /// The names `input` can mean, best first: an exact name gives only itself; otherwise
    /// every name all of whose parts match at the best grade any name reaches, shortest
    /// first (the most specific).
    pub fn resolve(&self, input: &str) -> Vec<String> {
        let whole = norm(input);
        if whole.is_empty() {
            return Vec::new();
        }
        if let Some(e) = self.entries.iter().find(|e| e.forms[0].norm == whole) {
            return vec![e.name.clone()];
        }
        let parts: Vec<Part> = input
            .split(|c: char| fold_width(c).is_whitespace())
            .map(norm)
            .filter(|p| !p.is_empty())
            .map(Part::new)
            .collect();
        // Grade by grade, the cheapest first: a more forgiving grade is only tried when no name
        // matches at a stricter one (only the best grade found is given).
        let mut found: Vec<&Entry> = Vec::new();
        for g in [TOGETHER, SHORT_FORM, IN_ORDER] {
            found = self
                .entries
                .iter()
                .filter(|e| parts.iter().all(|p| e.matches_at(p, g)))
                .collect();
            if !found.is_empty() {
                break;
            }
        }
        found.sort_by(|a, b| {
            a.name
                .chars()
                .count()
                .cmp(&b.name.chars().count())
                .then(a.name.cmp(&b.name))
        });
        found.into_iter().map(|e| e.name.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m() -> AgencyMatcher {
        AgencyMatcher::new(vec![
            "中卫市公共资源交易中心".into(),
            "中卫市工业和信息化局".into(),
            "石嘴山市公共资源交易中心".into(),
            "重庆市行政审批局".into(),
        ])
    }

    #[test]
    fn chinese_parts_and_exact() {
        assert_eq!(m().resolve("中卫 交易"), vec!["中卫市公共资源交易中心"]);
        assert_eq!(
            m().resolve("中卫市公共资源交易中心"),
            vec!["中卫市公共资源交易中心"]
        );
        assert_eq!(m().resolve("中卫").len(), 2);
        assert_eq!(m().resolve("公共资源").len(), 2);
        assert!(m().resolve("不存在").is_empty());
        assert!(m().resolve("  ").is_empty());
    }

    #[test]
    fn pinyin_full_initials_mixed_polyphones() {
        assert_eq!(m().resolve("zhongwei").len(), 2);
        assert_eq!(m().resolve("zwsggzy"), vec!["中卫市公共资源交易中心"]);
        assert_eq!(m().resolve("zwsggzyjyzx"), vec!["中卫市公共资源交易中心"]);
        assert_eq!(
            m().resolve("ZhongWei jiaoyi"),
            vec!["中卫市公共资源交易中心"]
        );
        assert_eq!(m().resolve("shizuishan"), vec!["石嘴山市公共资源交易中心"]);
        // 重 is zhong and chong; 行 is xing and hang.
        assert_eq!(m().resolve("chongqing"), vec!["重庆市行政审批局"]);
        assert_eq!(m().resolve("xingzheng"), vec!["重庆市行政审批局"]);
        assert!(m().resolve("zzzz").is_empty());
    }

    fn city() -> AgencyMatcher {
        AgencyMatcher::new(vec![
            "中卫市工业和信息化局".into(),
            "中卫市人力资源和社会保障局".into(),
            "中卫市住房和城乡建设局".into(),
            "中卫市市场监督管理局".into(),
            "中卫市发展和改革委员会".into(),
            "中卫市卫生健康委员会".into(),
            "中卫市生态环境局".into(),
            "中卫市交通运输局".into(),
            "中卫市文化和旅游局".into(),
            "中卫市人民政府".into(),
            "中卫市人民政府办公室".into(),
            "银川市工业和信息化局".into(),
            "中卫工业园区管理委员会".into(),
        ])
    }

    #[test]
    fn pinyin_and_initials_in_order_with_characters_between() {
        // 市 left out: nothing has these characters together, so in order is enough.
        assert_eq!(city().resolve("zwgyhxxhj"), vec!["中卫市工业和信息化局"]);
        assert_eq!(
            city().resolve("zhongweigongyehexinxihuaju"),
            vec!["中卫市工业和信息化局"]
        );
        assert_eq!(
            city().resolve("中卫工业和信息化局"),
            vec!["中卫市工业和信息化局"]
        );
        // Together beats in order: 中卫工业 stands together only in the park's name.
        assert_eq!(
            city().resolve("zhongweigongye"),
            vec!["中卫工业园区管理委员会"]
        );
        assert_eq!(city().resolve("中卫工业"), vec!["中卫工业园区管理委员会"]);
        assert_eq!(
            m().resolve("zhongweigongye"),
            vec!["中卫市工业和信息化局"],
            "without the park, the bureau in order"
        );
        // Mixed Chinese and pinyin in one part.
        assert_eq!(m().resolve("中卫gyhxx"), vec!["中卫市工业和信息化局"]);
        assert!(city().resolve("gyzw").is_empty(), "order matters");
    }

    #[test]
    fn short_names_from_the_table() {
        let c = city();
        for (typed, meant) in [
            ("中卫 工信局", "中卫市工业和信息化局"),
            ("中卫人社局", "中卫市人力资源和社会保障局"),
            ("中卫 住建局", "中卫市住房和城乡建设局"),
            ("中卫市监局", "中卫市市场监督管理局"),
            ("中卫 市场监管局", "中卫市市场监督管理局"),
            ("中卫 发改委", "中卫市发展和改革委员会"),
            ("卫健委", "中卫市卫生健康委员会"),
            ("中卫 环保局", "中卫市生态环境局"),
            ("中卫 交通局", "中卫市交通运输局"),
            ("文旅局", "中卫市文化和旅游局"),
            ("中卫市政府办", "中卫市人民政府办公室"),
            // Initials of the short form.
            ("zwgxj", "中卫市工信局"),
            ("zwsrsj", "中卫市人力资源和社会保障局"),
            ("zwszfb", "中卫市人民政府办公室"),
        ] {
            let meant = if meant == "中卫市工信局" {
                "中卫市工业和信息化局"
            } else {
                meant
            };
            assert_eq!(c.resolve(typed), vec![meant], "{typed}");
        }
        assert_eq!(
            c.resolve("工信局"),
            vec!["中卫市工业和信息化局", "银川市工业和信息化局"]
        );
    }
}

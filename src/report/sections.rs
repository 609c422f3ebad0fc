//! The report's numbered top-level sections (一、总体情况 …) with their text.

use super::model::Section;
use super::normalize::{is_cjk_numeral, key};

/// Table-3 row labels that look like headings (`四、结转下年度继续办理`) but are not.
const ROW_LABELS: &[&str] = &[
    "本年新收",
    "上年结转",
    "本年度办理",
    "结转下年度",
    "本年",
    "本",
];

const STANDARD_TITLES: &[&str] = &[
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
];

pub fn split(text: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut body: Vec<&str> = Vec::new();
    let mut expected = 1u32;
    for line in text.lines() {
        if let Some((n, title, rest)) = heading(line) {
            // A heading lost to OCR or extraction must not lose every later one: the next
            // number but one is taken when its title is a standard one.
            let skipped_ok = n == expected + 1 && is_standard(&title);
            if n == expected || skipped_ok {
                if let Some(last) = sections.last_mut() {
                    last.text = join(&body);
                }
                body.clear();
                if !rest.is_empty() {
                    body.push(rest);
                }
                sections.push(Section {
                    number: numeral(n),
                    title,
                    text: String::new(),
                });
                expected = n + 1;
                continue;
            }
        }
        if !sections.is_empty() {
            body.push(line);
        }
    }
    if let Some(last) = sections.last_mut() {
        last.text = join(&body);
    }
    sections
}

fn is_standard(title: &str) -> bool {
    let k = key(title);
    [
        "总体情况",
        "主动公开",
        "收到和处理",
        "行政复议",
        "主要问题",
        "改进情况",
        "其他需要报告",
    ]
    .iter()
    .any(|w| k.contains(w))
}

fn join(lines: &[&str]) -> String {
    lines.join("\n").trim().to_string()
}

/// `二、主动公开政府信息情况` → (2, title, text after the title on the same line).
fn heading(line: &str) -> Option<(u32, String, &str)> {
    let line = line.trim();
    let num_end = line.char_indices().find(|&(_, c)| !is_cjk_numeral(c))?.0;
    if num_end == 0 {
        return None;
    }
    let n = parse_numeral(&line[..num_end])?;
    let after = &line[num_end..];
    let sep = after.chars().next()?;
    if !"、.．".contains(sep) {
        return None;
    }
    let rest = after[sep.len_utf8()..].trim();
    let k = key(rest);
    if k.is_empty()
        || ROW_LABELS
            .iter()
            .any(|l| k.starts_with(l) && (k.len() <= l.len() + 3 || *l != "本" && *l != "本年"))
    {
        return None;
    }
    // A long line is a heading followed by its text (web pages): cut after a standard title,
    // else at the first punctuation.
    if rest.chars().count() <= 40 {
        return Some((n, rest.chars().filter(|c| !c.is_whitespace()).collect(), ""));
    }
    for t in STANDARD_TITLES {
        if let Some(after) = rest.strip_prefix(t) {
            return Some((n, t.to_string(), after.trim()));
        }
    }
    let cut = rest
        .char_indices()
        .find(|&(_, c)| "。，；：,;:".contains(c) || c.is_whitespace())
        .map_or(rest.len(), |(i, _)| i);
    if rest[..cut].chars().count() > 40 {
        return None;
    }
    Some((
        n,
        rest[..cut].to_string(),
        rest[cut..]
            .trim_start_matches(['。', '，', '：', ':'])
            .trim(),
    ))
}

fn parse_numeral(s: &str) -> Option<u32> {
    let digit = |c: char| "一二三四五六七八九".find(c).map(|i| i as u32 / 3 + 1);
    let cs: Vec<char> = s.chars().collect();
    match cs.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

fn numeral(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n as usize].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[(n - 10) as usize]),
        _ => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_are_not_sections() {
        let t = "标题\n一、总体情况\n正文\n三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 0\n三、本年\n度办理\n四、结转下年度继续办理 0\n四、政府信息公开行政复议、行政诉讼情况\n0 0\n";
        let s = split(t);
        let titles: Vec<&str> = s.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            vec![
                "总体情况",
                "收到和处理政府信息公开申请情况",
                "政府信息公开行政复议、行政诉讼情况"
            ]
        );
        let t = t.replace("三、收到", "二、主动公开政府信息情况\n三、收到");
        let s = split(&t);
        let numbers: Vec<&str> = s.iter().map(|s| s.number.as_str()).collect();
        assert_eq!(numbers, vec!["一", "二", "三", "四"]);
        assert_eq!(s[3].title, "政府信息公开行政复议、行政诉讼情况");
        assert!(s[2].text.contains("结转下年度继续办理"));
    }

    #[test]
    fn a_lost_heading_does_not_lose_the_rest() {
        let t = "一、总体情况\n正文\n主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n";
        let numbers: Vec<String> = split(t).into_iter().map(|s| s.number).collect();
        assert_eq!(numbers, ["一", "三", "四"]);
    }

    #[test]
    fn numerals() {
        assert_eq!(parse_numeral("十二"), Some(12));
        assert_eq!(numeral(12), "十二");
        assert_eq!(parse_numeral("二十"), Some(20));
    }
}

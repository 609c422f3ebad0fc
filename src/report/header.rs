//! The header block of a scraped page (`标题: …`, `发布时间: …`, `原文链接: …`, a `正文` line):
//! the page's metadata, taken out before the report is read so that it never becomes a title,
//! an agency or a section.

/// What a header block says about the page. Empty values (`文号:` with nothing after it) are
/// `None`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Header {
    pub title: Option<String>,
    /// `2024-01-20` when the date can be read as one, else as written.
    pub published: Option<String>,
    pub publisher: Option<String>,
    pub url: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Field {
    Title,
    Published,
    Publisher,
    Url,
    /// A metadata key whose value the contract does not keep (文号, 栏目, 索引号…).
    Other,
}

/// The keys scrapers and government sites put above an article. Matched whole (spaces
/// ignored, ASCII case-insensitively), before a `:` or `：`.
const KEYS: &[(&str, Field)] = &[
    ("标题", Field::Title),
    ("题目", Field::Title),
    ("文章标题", Field::Title),
    ("名称", Field::Title),
    ("title", Field::Title),
    ("发布时间", Field::Published),
    ("发布日期", Field::Published),
    ("发文日期", Field::Published),
    ("成文日期", Field::Published),
    ("生成日期", Field::Published),
    ("公开日期", Field::Published),
    ("更新时间", Field::Published),
    ("时间", Field::Published),
    ("日期", Field::Published),
    ("date", Field::Published),
    ("published", Field::Published),
    ("发布机构", Field::Publisher),
    ("发布单位", Field::Publisher),
    ("发布部门", Field::Publisher),
    ("发文机关", Field::Publisher),
    ("发文单位", Field::Publisher),
    ("公开主体", Field::Publisher),
    ("来源", Field::Publisher),
    ("信息来源", Field::Publisher),
    ("文章来源", Field::Publisher),
    ("来源单位", Field::Publisher),
    ("publisher", Field::Publisher),
    ("source", Field::Publisher),
    ("原文链接", Field::Url),
    ("原文地址", Field::Url),
    ("来源链接", Field::Url),
    ("页面地址", Field::Url),
    ("链接", Field::Url),
    ("网址", Field::Url),
    ("url", Field::Url),
    ("link", Field::Url),
    ("文号", Field::Other),
    ("发文字号", Field::Other),
    ("栏目", Field::Other),
    ("所属栏目", Field::Other),
    ("索引号", Field::Other),
    ("主题分类", Field::Other),
    ("体裁分类", Field::Other),
    ("组配分类", Field::Other),
    ("信息分类", Field::Other),
    ("分类", Field::Other),
    ("关键词", Field::Other),
    ("作者", Field::Other),
    ("浏览次数", Field::Other),
    ("访问次数", Field::Other),
    ("点击数", Field::Other),
    ("字号", Field::Other),
    ("有效性", Field::Other),
    ("公开方式", Field::Other),
    ("公开范围", Field::Other),
    ("公开时限", Field::Other),
    ("责任部门", Field::Other),
    ("author", Field::Other),
    ("tags", Field::Other),
];

/// Splits a cleaned text into its header block and the rest. The block is the text's first
/// lines while they are metadata (`KEY: value`, several pairs on a line too), separator
/// rules (`=====`, `---`) or the `正文` mark that ends it; without one metadata line or a
/// `正文` mark there is no block and the text is returned whole.
pub fn split(text: &str) -> (Header, &str) {
    let mut header = Header::default();
    let mut seen = false;
    let mut end = 0;
    let mut consumed = 0;
    for line in text.split_inclusive('\n') {
        let l = line.trim();
        if l.is_empty() || is_rule(l) {
            consumed += line.len();
            continue;
        }
        if is_body_mark(l) {
            consumed += line.len();
            end = consumed;
            seen = true;
            break;
        }
        let pairs = pairs(l);
        if pairs.is_empty() {
            break;
        }
        for (field, value) in pairs {
            let value = value.trim().trim_matches(['"', '\'']).trim();
            if value.is_empty() {
                continue;
            }
            let slot = match field {
                Field::Title => &mut header.title,
                Field::Published => &mut header.published,
                Field::Publisher => &mut header.publisher,
                Field::Url => &mut header.url,
                Field::Other => continue,
            };
            if slot.is_none() {
                *slot = Some(match field {
                    Field::Published => date(value),
                    Field::Url => value.split_whitespace().next().unwrap_or(value).to_string(),
                    _ => value.to_string(),
                });
            }
        }
        seen = true;
        consumed += line.len();
        end = consumed;
    }
    if !seen {
        return (Header::default(), text);
    }
    (header, &text[end..])
}

/// `=====`, `-----`, `*****`, `———`: a rule drawn by the scraper.
fn is_rule(l: &str) -> bool {
    l.chars().count() >= 3 && l.chars().all(|c| "=-*_~—–#".contains(c) || c == ' ')
}

/// `正文`, `正文:`, `【正文】`, `==== 正文 ====`: where the article begins.
fn is_body_mark(l: &str) -> bool {
    let inner: String = l
        .chars()
        .filter(|c| !"=-*_~—–#【】[]()（）:： ".contains(*c))
        .collect();
    inner == "正文" || inner == "正文内容"
}

/// The `KEY: value` pairs of a metadata line, or none when the line does not start with a
/// known key and a colon.
fn pairs(line: &str) -> Vec<(Field, &str)> {
    let line = line.trim_start_matches(['-', '*', '>', ' ']);
    let mut found: Vec<(usize, usize, Field)> = Vec::new(); // (key start, value start, field)
    for (i, c) in line.char_indices() {
        if c != ':' && c != '：' {
            continue;
        }
        // The key: the word just before the colon, back to a space or the line's start.
        let before = &line[..i];
        let word_start = before
            .trim_end()
            .char_indices()
            .rfind(|&(_, c)| c.is_whitespace())
            .map_or(0, |(p, c)| p + c.len_utf8());
        let word: String = before[word_start..]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some(&(_, f)) = KEYS.iter().find(|(k, _)| *k == word) {
            // A key inside a value that is itself a URL (`https:`) is no key.
            if found.last().is_none_or(|&(_, v, _)| word_start >= v) {
                found.push((word_start, i + c.len_utf8(), f));
            }
        }
    }
    if found.first().is_none_or(|&(s, _, _)| s != 0) {
        return Vec::new();
    }
    found
        .iter()
        .enumerate()
        .map(|(n, &(_, v, f))| {
            let stop = found.get(n + 1).map_or(line.len(), |&(s, _, _)| s);
            (f, &line[v..stop])
        })
        .collect()
}

/// `2024-01-20 15:22`, `2024/1/20`, `2024年1月20日` → `2024-01-20`; otherwise as written.
fn date(value: &str) -> String {
    let nums: Vec<u32> = value
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(3)
        .filter_map(|s| s.parse().ok())
        .collect();
    match nums[..] {
        [y, m, d]
            if (1990..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d) =>
        {
            format!("{y:04}-{m:02}-{d:02}")
        }
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scraped_header_block_is_metadata() {
        let text = "标题: 某某区2023年度政府信息公开工作年度报告\n发布时间: 2024-01-20 15:22\n文号:\n发布机构: 某某区人民政府办公室\n原文链接: https://www.example.gov.cn/zwgk/t20240120_1.htm\n==================== 正文 ====================\n某某区2023年度政府信息公开工作年度报告\n一、总体情况\n";
        let (h, rest) = split(text);
        assert_eq!(
            h.title.as_deref(),
            Some("某某区2023年度政府信息公开工作年度报告")
        );
        assert_eq!(h.published.as_deref(), Some("2024-01-20"));
        assert_eq!(h.publisher.as_deref(), Some("某某区人民政府办公室"));
        assert_eq!(
            h.url.as_deref(),
            Some("https://www.example.gov.cn/zwgk/t20240120_1.htm")
        );
        assert_eq!(
            rest,
            "某某区2023年度政府信息公开工作年度报告\n一、总体情况\n"
        );
    }

    #[test]
    fn full_width_colons_several_pairs_and_a_bare_body_mark() {
        let text = "标题：某某县市场监督管理局2022年政府信息公开工作年度报告\n索引号：123/2023-0001 发布机构：某某县市场监督管理局 发布日期：2023年1月9日\n栏目：年度报告\n正文\n一、总体情况\n";
        let (h, rest) = split(text);
        assert_eq!(h.published.as_deref(), Some("2023-01-09"));
        assert_eq!(h.publisher.as_deref(), Some("某某县市场监督管理局"));
        assert_eq!(rest, "一、总体情况\n");
    }

    #[test]
    fn a_report_without_a_header_is_untouched() {
        let text = "某某局2022年政府信息公开工作年度报告\n根据《条例》：现发布。\n";
        let (h, rest) = split(text);
        assert_eq!(h, Header::default());
        assert_eq!(rest, text);
        // A colon in the first line of prose is not a header key.
        let text = "说明：本报告由某某局编制。\n";
        assert_eq!(split(text).1, text);
    }
}

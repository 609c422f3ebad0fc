//! A report's identity: title, agency, the year its statistics cover, the format notice it cites.

use super::header::Header;
use super::keyed::Keyed;
use super::layout::Hints;
use super::model::{Template, Topic, Warning, Warnings};
use super::normalize::key;
use crate::text::is_han;

pub struct Meta {
    pub title: Option<String>,
    pub agency: Option<String>,
    pub year: Option<i32>,
    pub cites: Option<Template>,
}

const SUFFIXES: &[&str] = &[
    "政府信息公开工作年度报告",
    "政府信息公开年度报告",
    "政务公开工作年度报告",
    "信息公开工作年度报告",
    "政府信息公开工作报告",
    "信息公开年度报告",
    "工作年度报告",
    "年度报告",
];

pub fn read(
    text: &str,
    keyed: &Keyed,
    hints: &Hints,
    head: &Header,
    warnings: &mut Vec<Warning>,
) -> Meta {
    let cites = if keyed.contains("国办公开办函2021") || keyed.contains("20213O号") {
        Some(Template::T2021)
    } else if keyed.contains("国办公开办函2019") {
        Some(Template::T2019)
    } else {
        None
    };

    // The page's own title (its header block) when the report's text has none.
    let title = find_title(text).or_else(|| {
        let t = compact(head.title.as_deref()?);
        (t.contains("报告") && t.chars().count() >= 8).then_some(t)
    });
    let (mut agency, title_year) = match &title {
        Some(t) => split_title(t),
        None => (None, None),
    };
    // A title still broken (its first lines lost) names no agency rather than a wrong one.
    agency = agency.filter(|a| agency_like(a));
    let period_year = statistics_year(text);
    let year = match (title_year, period_year) {
        (Some(t), Some(p)) if t != p => {
            warnings.add(Topic::Year, format!(
                "year: the title says {t} but the statistics period says {p}; the title's year is used"
            ));
            Some(t)
        }
        (Some(t), _) => Some(t),
        (None, Some(p)) => Some(p),
        (None, None) => match hints.file_year() {
            Some(y) => {
                warnings.add(Topic::Year, format!(
                    "year: neither the title nor a 统计期限 sentence gives it; {y} is taken from the file name"
                ));
                Some(y)
            }
            None => {
                warnings.add(Topic::Year,
                    "year: neither the title nor a 统计期限 sentence gives the year the report covers",
                );
                None
            }
        },
    };

    if title.is_none() {
        warnings.add(
            Topic::Title,
            "title: no line ending in 年度报告 was found near the top of the report",
        );
    }
    let needs_body = agency.as_deref().is_none_or(|a| !has_place(a));
    if needs_body {
        if let Some(full) = agency.as_deref().and_then(|a| name_in_body(text, a)) {
            agency = Some(full);
        } else if let Some((full, publisher)) = agency.as_deref().and_then(|a| {
            let p = head.publisher.as_deref()?;
            Some((place_from_publisher(p, a)?, p))
        }) {
            let from = format!("page's publisher \"{publisher}\"");
            place_taken(warnings, agency.as_deref(), &full, &from);
            agency = Some(full);
        } else if let Some(dir) =
            folder_agency(hints).filter(|d| agency.as_deref().is_none_or(|a| is_subsequence(a, d)))
        {
            warnings.add(Topic::Agency, format!("agency: taken from the folder name \"{dir}\"; the report itself does not name it in full"));
            agency = Some(dir);
        } else if let Some((full, from)) = agency.as_deref().and_then(|a| place_from_path(hints, a))
        {
            place_taken(warnings, agency.as_deref(), &full, &from);
            agency = Some(full);
        } else if let Some(a) = &agency {
            warnings.add(Topic::Agency, format!("agency: \"{a}\" is the name as the title gives it; the report names no place, so it may be ambiguous"));
        } else if let Some(guess) = agency_in_body(text) {
            warnings.add(Topic::Agency, format!(
                "agency: the report has no title naming it; \"{guess}\" is the agency its text names most often"
            ));
            agency = Some(guess);
        } else {
            warnings.add(Topic::Agency, "agency: the report does not name its agency in its title; set it by putting the file in a folder named after the agency");
        }
    }
    Meta {
        title,
        agency,
        year,
        cites,
    }
}

/// The title: the lines ending in `…年度报告` near the top, with the short lines just above
/// it that carry the agency's name; all whitespace removed.
fn find_title(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().take(60).collect();
    for (i, line) in lines.iter().enumerate() {
        let k = key(line);
        let next = lines.get(i + 1).map(|l| key(l)).unwrap_or_default();
        let joined_next = k.ends_with("工作") && next.starts_with("年度报告")
            || k.ends_with("年度") && next.starts_with("报告");
        if !k.contains("年度报告") && !k.contains("工作报告") && !joined_next {
            continue;
        }
        // Inside a sentence (the preamble cites the title in 《》): take the quoted or run part.
        let sentence_or_crumbs = line
            .contains(['《', '》', '〈', '〉', '。', '，', '；', '、', '>', '»'])
            || line.contains("首页")
            || line.contains("当前位置")
            || line.chars().count() > 80;
        if sentence_or_crumbs {
            if let Some(t) = title_in_line(line) {
                // The end of a quote opened on the line above (`…编制《中卫市…2024年政府信`
                // / `息公开工作年度报告》，…`): the title is both parts.
                let opened_above =
                    line.contains('》') && !line.contains('《') && compact(line).starts_with(&t);
                if !opened_above {
                    return Some(t);
                }
                let prev = i.checked_sub(1).map_or("", |j| lines[j]);
                if let Some(q) = prev.rfind('《').filter(|&q| !prev[q..].contains('》')) {
                    let joined = compact(&prev[q + '《'.len_utf8()..]) + &t;
                    if !names_the_regulation(&joined) {
                        return Some(joined);
                    }
                }
            }
            continue;
        }
        let mut parts = vec![compact(line)];
        if joined_next {
            parts.push(compact(lines[i + 1]));
        }
        // Lines above belong to the title only while it still lacks its agency: a site name
        // above a complete title (`中卫市人民政府` over `中卫市民政局2024年…`) does not.
        let mut j = i;
        while j > 0
            && parts.iter().map(|p| p.chars().count()).sum::<usize>() < 40
            && split_title(&parts.concat())
                .0
                .is_none_or(|a| !agency_like(&a))
        {
            let prev = lines[j - 1];
            if !is_title_part(prev) {
                break;
            }
            parts.insert(0, compact(prev));
            j -= 1;
        }
        // A lone character above is the name's first, broken off (`中\n卫市…中心 2017 年`).
        while j > 0 && {
            let c = compact(lines[j - 1]);
            c.chars().count() == 1 && c.chars().all(is_han)
        } {
            parts.insert(0, compact(lines[j - 1]));
            j -= 1;
        }
        return Some(parts.concat());
    }
    None
}

/// The regulation's name (`中华人民共和国政府信息公开条例`, `…工作年度报告格式`), cited in
/// preambles: never a report's title.
fn names_the_regulation(t: &str) -> bool {
    t.starts_with("中华人民共和国政府信息公开")
}

/// Whether a name split off a title can be an agency's: not a piece of the title's own
/// wording broken off with its line (`息公开` of `政府信\n息公开工作年度报告`), not a piece of
/// its year (`024年`).
fn agency_like(name: &str) -> bool {
    let wording = |c: char| "政府信息公开工作务年度".contains(c);
    !name.chars().all(wording)
        && !name.chars().any(|c| c.is_ascii_digit())
        && !name.starts_with(['年', '度'])
}

fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn is_title_part(line: &str) -> bool {
    let c = compact(line);
    let n = c.chars().count();
    // One character alone on a line is a title broken by the converter (`政府信\n息\n公开…`).
    (n > 1 || c.chars().all(is_han))
        && n <= 30
        && !c.contains(['。', '，', '；', '：', '>', '》', '〔', '/', '|', ':'])
        && !c.contains("首页")
        && !c.contains("当前位置")
        && !c.contains("发布")
        && !c.starts_with("附件")
        && !c.contains("索引号")
        && c.chars().any(is_han)
        && !c
            .chars()
            .all(|ch| ch.is_ascii_digit() || "-年月日.".contains(ch))
}

/// A title inside a longer line: the run of name, year and suffix before `年度报告`.
fn title_in_line(line: &str) -> Option<String> {
    let end = line.find("年度报告")? + "年度报告".len();
    // The preamble cites the format notice: `〈中华人民共和国政府信息公开工作年度报告格式〉`,
    // `关于政府信息公开工作年度报告有关事项的通知》`. That is not this report's title.
    let after: String = line[end..].chars().filter(|c| !c.is_whitespace()).collect();
    if ["格式", "有关", "的通知", "工作的通知"]
        .iter()
        .any(|w| after.starts_with(w))
    {
        return None;
    }
    let chars: Vec<char> = line[..end].chars().collect();
    let ok = |c: char| is_han(c) || c.is_ascii_digit() || "（）()〇".contains(c);
    let mut start = chars.len();
    while start > 0 {
        let c = chars[start - 1];
        // A space belongs to the title only beside a year's digits: `中心 2024 年`.
        let spaced_year = c == ' '
            && (chars
                .get(start)
                .is_some_and(|n| n.is_ascii_digit() || *n == '年')
                || start >= 2 && chars[start - 2].is_ascii_digit());
        if !(ok(c) || spaced_year) {
            break;
        }
        start -= 1;
    }
    // Mid-sentence (`…，主动公开 2023年度政府信息公开工作年度报告、…`) the run is a
    // mention of some report, not a title: a title starts the line, follows breadcrumbs or a
    // label, or is quoted (`现将《…年度报告》公布如下`).
    if start > 0 && !" \t《>»：:|/".contains(chars[start - 1]) {
        return None;
    }
    let t: String = chars[start..]
        .iter()
        .filter(|c| !c.is_whitespace())
        .collect();
    if names_the_regulation(&t) {
        return None;
    }
    (t.chars().count() >= 8).then_some(t)
}

/// Splits a title into the agency and the year: `中卫市…中心2024年政府信息公开工作年度报告`,
/// `2024年度中卫市…中心政府信息…`, `…中心二〇二四年…`.
fn split_title(title: &str) -> (Option<String>, Option<i32>) {
    let mut rest = title.to_string();
    let mut year = None;
    if let Some((s, e, y)) = find_year(&rest) {
        year = Some(y);
        let mut e = e;
        if rest[e..].starts_with('度') {
            e += '度'.len_utf8();
        }
        rest.replace_range(s..e, "");
    }
    for suf in SUFFIXES {
        if let Some(i) = rest.find(suf) {
            rest.truncate(i);
            break;
        }
    }
    let name = rest.trim_start_matches("关于");
    let name = name.strip_suffix("的").unwrap_or(name);
    let name = name.strip_suffix("关于").unwrap_or(name);
    let name = name
        .trim_end_matches(['（', '(', '）', ')'])
        .trim_matches(|c: char| !(is_han(c) || c.is_alphanumeric() || "）)".contains(c)));
    let name = name.trim_end_matches(['（', '(']);
    ((name.chars().count() >= 2).then(|| name.to_string()), year)
}

/// `2024年` or `二〇二四年`: byte span including 年, and the year.
fn find_year(s: &str) -> Option<(usize, usize, i32)> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for w in 0..chars.len() {
        let take: Vec<char> = chars[w..].iter().take(5).map(|&(_, c)| c).collect();
        if take.len() < 5 || take[4] != '年' {
            continue;
        }
        let digits: Option<String> = take[..4]
            .iter()
            .map(|&c| match c {
                '0'..='9' => Some(c),
                '〇' | '零' | 'O' | 'o' => Some('0'),
                '一' => Some('1'),
                '二' => Some('2'),
                '三' => Some('3'),
                '四' => Some('4'),
                '五' => Some('5'),
                '六' => Some('6'),
                '七' => Some('7'),
                '八' => Some('8'),
                '九' => Some('9'),
                _ => None,
            })
            .collect();
        let Some(y) = digits.and_then(|d| d.parse::<i32>().ok()) else {
            continue;
        };
        if (1990..=2100).contains(&y) {
            let start = chars[w].0;
            let end = chars[w + 4].0 + '年'.len_utf8();
            return Some((start, end, y));
        }
    }
    None
}

/// The year of a 统计期限 sentence: `…统计数据从 2024年 1月 1日至…`, `统计期限自2024年1月1日起`.
fn statistics_year(text: &str) -> Option<i32> {
    let c = compact(text);
    let mut from = 0;
    while let Some(i) = c[from..].find("1月1日") {
        let at = from + i;
        let before = &c[..at];
        let tail_start = before.char_indices().rev().nth(4).map_or(0, |(i, _)| i);
        if let Some((_, _, y)) = find_year(&before[tail_start..]) {
            return Some(y);
        }
        from = at + "1月1日".len();
    }
    // `本报告所列数据统计期限为2023年度`, `统计时间：2023年…`
    let mut from = 0;
    while let Some(i) = c[from..].find("统计") {
        let at = from + i + "统计".len();
        let window: String = c[at..].chars().take(16).collect();
        if let Some((_, _, y)) = find_year(&window) {
            return Some(y);
        }
        from = at;
    }
    None
}

/// Names that carry a place are complete; others (`公共资源交易中心`) are looked up in the body.
/// A level character in a common word is no place (`市场监督管理局`, `农业农村局`,
/// `住房和城乡建设局`), nor is one that starts the name.
fn has_place(name: &str) -> bool {
    const WORDS: [&str; 20] = [
        "市场", "城市", "市政", "市容", "超市", "都市", "区域", "社区", "园区", "景区", "小区",
        "片区", "区划", "县域", "乡村", "农村", "城乡", "城镇", "乡镇", "联盟",
    ];
    let mut plain = name.to_string();
    for w in WORDS {
        plain = plain.replace(w, "〇〇");
    }
    plain
        .char_indices()
        .skip(1)
        .any(|(_, c)| ['省', '市', '县', '区', '州', '旗', '盟', '镇', '乡', '村'].contains(&c))
        || name.contains("街道")
        || [
            "国家",
            "国务院",
            "中国",
            "中华人民共和国",
            "全国",
            "最高",
            "中央",
            "海关",
        ]
        .iter()
        .any(|p| name.starts_with(p))
}

/// A fuller name of the agency in the body: a place followed by the title's name (letters
/// in order, words may be added: 交易中心 → 交易服务中心). Names in quotes are websites or
/// brands, so names outside quotes win; then the most frequent, then the longest.
fn name_in_body(text: &str, short: &str) -> Option<String> {
    // Names are broken over lines in PDF text.
    let text = &compact(text);
    let chars: Vec<char> = text.chars().collect();
    let tail: String = short
        .chars()
        .rev()
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let tail_chars: Vec<char> = tail.chars().collect();
    let mut found: Vec<(String, bool)> = Vec::new();
    let mut i = 0;
    while i + tail_chars.len() <= chars.len() {
        if chars[i..i + tail_chars.len()] != tail_chars[..] {
            i += 1;
            continue;
        }
        let end = i + tail_chars.len();
        let mut start = i;
        while start > 0 && end - start < 30 && is_han(chars[start - 1]) {
            start -= 1;
        }
        let quoted = start > 0 && "“\"《「'‘".contains(chars[start - 1]);
        let cand: String = chars[start..end].iter().collect();
        if let Some(name) = trim_to_place(&cand, short) {
            found.push((name, quoted));
        }
        i = end;
    }
    found.sort_by_key(|(n, q)| {
        (
            *q,
            std::cmp::Reverse(text.matches(n.as_str()).count()),
            std::cmp::Reverse(n.chars().count()),
        )
    });
    found.into_iter().next().map(|(n, _)| n)
}

/// Cuts a run of Chinese text down to `place + name`, where the place ends in 省/市/县/区/…
/// and the rest holds `short`'s characters in order.
fn trim_to_place(run: &str, short: &str) -> Option<String> {
    let chars: Vec<char> = run.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !"省市县区州旗盟".contains(c) || i == 0 {
            continue;
        }
        // The place starts after any leading function words.
        let mut s = 0;
        while s < i && "在由对向为经与和及是将把被从我本年度，".contains(chars[s])
        {
            s += 1;
        }
        if i + 1 - s < 2 {
            continue;
        }
        let rest: String = chars[i + 1..].iter().collect();
        if is_subsequence(short, &rest)
            || is_subsequence(short, &chars[s..].iter().collect::<String>())
        {
            let name: String = chars[s..].iter().collect();
            if name.chars().count() > short.chars().count() {
                return Some(name);
            }
        }
        break;
    }
    None
}

/// The agency a report without a title names most often: a place followed by an agency word
/// (`中卫市工业和信息化局`), named at least twice.
fn agency_in_body(text: &str) -> Option<String> {
    const ENDINGS: &[&str] = &[
        "人民政府办公室",
        "人民政府",
        "办公室",
        "委员会",
        "办事处",
        "管理局",
        "服务中心",
        "中心",
        "局",
        "委",
        "厅",
        "院",
        "署",
        "办",
    ];
    let text = compact(text);
    let chars: Vec<char> = text.chars().collect();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for end in 1..=chars.len() {
        let Some(ending) = ENDINGS.iter().find(|e| {
            let n = e.chars().count();
            end >= n && chars[end - n..end].iter().copied().eq(e.chars())
        }) else {
            continue;
        };
        // The longest ending wins: `人民政府办公室`, not `办`.
        if chars
            .get(end)
            .is_some_and(|&c| ENDINGS.iter().any(|e| e.starts_with(c)))
        {
            continue;
        }
        let mut start = end - ending.chars().count();
        while start > 0 && end - start < 24 && is_han(chars[start - 1]) {
            start -= 1;
        }
        let run: String = chars[start..end].iter().collect();
        if let Some(name) = trim_to_place(&run, ending) {
            match counts.iter_mut().find(|(n, _)| *n == name) {
                Some((_, c)) => *c += 1,
                None => counts.push((name, 1)),
            }
        }
    }
    counts.sort_by_key(|(n, c)| (std::cmp::Reverse(*c), std::cmp::Reverse(n.chars().count())));
    counts.into_iter().find(|(_, c)| *c >= 2).map(|(n, _)| n)
}

fn is_subsequence(needle: &str, hay: &str) -> bool {
    let mut it = hay.chars();
    needle.chars().all(|n| it.any(|h| h == n))
}

/// Says that `full`, the agency's name with a place, took the place from `from` (the page's
/// publisher, the folder, the file name) because the report names none for `bare`.
fn place_taken(warnings: &mut Vec<Warning>, bare: Option<&str>, full: &str, from: &str) {
    let bare = bare.unwrap_or("");
    warnings.add(
        Topic::Agency,
        format!(
            "agency: the report names no place for \"{bare}\"; \"{full}\" takes it from the {from}"
        ),
    );
}

/// The report's folder as an agency's name, when it reads as one: four Chinese characters or
/// more, with a place (`修武县公共资源交易服务中心`, not `2023年` or `reports`).
fn folder_agency(hints: &Hints) -> Option<String> {
    let folder = hints.folder.as_deref()?;
    (folder.chars().filter(|&c| is_han(c)).count() >= 4 && has_place(folder))
        .then(|| folder.to_string())
}

/// A place for an agency whose report names none (`市场监督管理局`), from its path: the folder
/// or the file's name that names the agency with its place
/// (`宁波市市场监督管理局`); else one that is a place alone (`宁波市/…`, `宁波市-2022.txt`).
/// Gives the full name and where it came from.
fn place_from_path(hints: &Hints, short: &str) -> Option<(String, String)> {
    let mut names: Vec<(String, &str)> = Vec::new();
    if let Some(f) = &hints.folder {
        names.push((f.clone(), "folder name"));
    }
    if let Some(stem) = &hints.file_stem {
        names.push((stem.clone(), "file name"));
    }
    // Each run of Chinese characters on its own: `2022_宁波市-市场监督管理局` too.
    let runs = |name: &str| -> Vec<String> {
        name.split(|c: char| !is_han(c))
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect()
    };
    let say = |full: String, name: &str, from: &str| (full, format!("{from} \"{name}\""));
    for (name, from) in &names {
        if let Some(full) = runs(name).iter().find_map(|r| {
            // `台州市市场监督管理局年报` → `台州市市场监督管理局`.
            let n = trim_to_place(r, short)?;
            let at = n.find(short)?;
            // What stands before the name must be a place and nothing else (not `关于印发…区`).
            place_only(&n[..at]).then(|| n[..at + short.len()].to_string())
        }) {
            return Some(say(full, name, from));
        }
    }
    for (name, from) in &names {
        if let Some(place) = runs(name).into_iter().find(|r| place_only(r)) {
            return Some(say(format!("{place}{short}"), name, from));
        }
    }
    None
}

/// A place for an agency whose report names none, from the publisher a scraped page's header
/// gives (`发布机构：宁波市海曙区人民政府`): the publisher itself when it is the agency with its
/// place, else the longest place it starts with (`宁波市海曙区`) before the agency's name.
fn place_from_publisher(publisher: &str, short: &str) -> Option<String> {
    let p = compact(publisher);
    if let Some(at) = p.find(short) {
        return place_only(&p[..at]).then(|| p[..at + short.len()].to_string());
    }
    let place = p
        .char_indices()
        .map(|(i, c)| &p[..i + c.len_utf8()])
        .rfind(|prefix| place_only(prefix))?;
    Some(format!("{place}{short}"))
}

/// A name that is a place and nothing else (`宁波市`, `海曙区`, `浙江省`): two to twelve Chinese
/// characters ending in a level, naming no body.
fn place_only(s: &str) -> bool {
    let n = s.chars().count();
    (2..=12).contains(&n)
        && s.chars().all(is_han)
        && s.ends_with(['省', '市', '县', '区', '州', '旗', '盟', '镇', '乡'])
        && ![
            "局", "委", "办", "院", "厅", "署", "中心", "政府", "报告", "关于", "印发", "发布",
            "公布", "年",
        ]
        .iter()
        .any(|b| s.contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_split_over_lines() {
        let t = "中卫市工业和信息化局\n2024年政府信息公开工作年度报告\n本年度报告根据…\n";
        let mut w = Vec::new();
        let m = read(
            t,
            &Keyed::new(t),
            &Hints::from_path("x.txt"),
            &Header::default(),
            &mut w,
        );
        assert_eq!(
            m.title.as_deref(),
            Some("中卫市工业和信息化局2024年政府信息公开工作年度报告")
        );
        assert_eq!(m.agency.as_deref(), Some("中卫市工业和信息化局"));
        assert_eq!(m.year, Some(2024));
    }

    #[test]
    fn year_first_and_nian_du_titles() {
        assert_eq!(
            split_title("2019年度石嘴山市财政局政府信息公开工作年度报告"),
            (Some("石嘴山市财政局".into()), Some(2019))
        );
        assert_eq!(
            split_title("沭阳县人民政府二〇二〇年政府信息公开工作年度报告"),
            (Some("沭阳县人民政府".into()), Some(2020))
        );
    }

    #[test]
    fn agency_from_body_when_title_lacks_place() {
        let t = "公共资源交易中心 2023 年政府信息公开工作\n年度报告\n一、总体情况\n通过“修武县公共资源交易中心”网站公开。\n2023年，修武县公共资源交易服务中心未收到申请。\n";
        let mut w = Vec::new();
        let m = read(
            t,
            &Keyed::new(t),
            &Hints::from_path("x.txt"),
            &Header::default(),
            &mut w,
        );
        assert_eq!(
            m.title.as_deref(),
            Some("公共资源交易中心2023年政府信息公开工作年度报告")
        );
        assert_eq!(m.agency.as_deref(), Some("修武县公共资源交易服务中心"));
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn titles_with_guanyu_attachments_and_breadcrumb_lines() {
        assert_eq!(
            split_title("中卫市人民政府办公室关于2024年政府信息公开工作年度报告"),
            (Some("中卫市人民政府办公室".into()), Some(2024))
        );
        let t = "首页 > 信息公开 > 年度报告\n附件\n中卫市审计局\n2023年政府信息公开工作年度报告\n一、总体情况\n";
        let mut w = Vec::new();
        let m = read(
            t,
            &Keyed::new(t),
            &Hints::from_path("x.txt"),
            &Header::default(),
            &mut w,
        );
        assert_eq!(
            m.title.as_deref(),
            Some("中卫市审计局2023年政府信息公开工作年度报告")
        );
        let t = "某某市统计局政府信息公开工作年度报告\n本报告所列数据统计期限为2023年度。\n";
        assert_eq!(
            read(
                t,
                &Keyed::new(t),
                &Hints::from_path("x.txt"),
                &Header::default(),
                &mut w
            )
            .year,
            Some(2023)
        );
    }

    #[test]
    fn site_name_above_a_complete_title_is_not_part_of_it() {
        let t = "中卫市人民政府\n中卫市民政局2024年政府信息公开工作年度报告\n一、总体情况\n";
        let mut w = Vec::new();
        let m = read(
            t,
            &Keyed::new(t),
            &Hints::from_path("x.txt"),
            &Header::default(),
            &mut w,
        );
        assert_eq!(m.agency.as_deref(), Some("中卫市民政局"));
        let t = "中卫市民政局\n2024年度\n政府信息公开工作年度报告\n一、总体情况\n";
        let m = read(
            t,
            &Keyed::new(t),
            &Hints::from_path("x.txt"),
            &Header::default(),
            &mut w,
        );
        assert_eq!(m.agency.as_deref(), Some("中卫市民政局"));
        assert_eq!(m.year, Some(2024));
    }

    #[test]
    fn year_from_the_file_name_when_the_text_gives_none() {
        let t = "一、总体情况\n本中心认真贯彻落实条例。\n";
        let mut w = Vec::new();
        let m = read(
            t,
            &Keyed::new(t),
            &Hints::from_path("corpus/某县某局/2023.txt"),
            &Header::default(),
            &mut w,
        );
        assert_eq!(m.year, Some(2023));
        assert!(w.iter().any(|w| w.contains("file name")), "{w:?}");
        for (name, want) in [
            ("2023年报告.txt", Some(2023)),
            ("report-1.txt", None),
            ("2023-2024.txt", None),
            ("12345.txt", None),
            ("1888.txt", None),
        ] {
            assert_eq!(Hints::from_path(name).file_year(), want, "{name}");
        }
    }

    #[test]
    fn a_title_broken_anywhere_over_three_lines() {
        for (t, agency) in [
            (
                "石嘴山市公共资源交\n易中心 2022 年政府信\n息公开工作年度报告\n一、总体情况\n",
                "石嘴山市公共资源交易中心",
            ),
            (
                "石嘴山市公共资源交易中心 2\n022 年政府信息公开\n工作年度报告\n",
                "石嘴山市公共资源交易中心",
            ),
            (
                "某某县自然资源局\n2019年政府信\n息公开工作年度\n报告\n",
                "某某县自然资源局",
            ),
            (
                "中卫市工业和信息化局\n2024年政府信\n息\n公开工作年度报告\n",
                "中卫市工业和信息化局",
            ),
            (
                "中\n卫市公共资源交易中心 2017 年政府\n信息公开工作年度报告\n",
                "中卫市公共资源交易中心",
            ),
        ] {
            let mut w = Vec::new();
            let m = read(
                t,
                &Keyed::new(t),
                &Hints::from_path("x.txt"),
                &Header::default(),
                &mut w,
            );
            assert_eq!(m.agency.as_deref(), Some(agency), "{t:?} {w:?}");
        }
        // Only the end of the title survives: no agency rather than 息公开.
        let t = "息公开工作年度报告\n一、总体情况\n";
        let mut w = Vec::new();
        assert_eq!(
            read(
                t,
                &Keyed::new(t),
                &Hints::from_path("x.txt"),
                &Header::default(),
                &mut w
            )
            .agency,
            None
        );
    }

    #[test]
    fn the_format_notice_cited_in_the_preamble_is_not_a_title() {
        // Title lost; the preamble, broken over lines as in PDF text, cites the notice.
        for t in [
            "本年度报告根据《中华人民共和国政府信息公开条例》第五\n十条和《国务院办公厅政府信息与政务公开办公室关于印发〈中\n华人民共和国政府信息公开工作年度报告格式〉的通知》（国办\n公开办函〔2021〕30号）要求编制。\n一、总体情况\n",
            "根据《中华人民共和国政府信息公开条例》规定和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》要求编制。\n",
            "第五十条和《国务院办公厅政府信息与政务公开办公室关于政府信\n息公开工作年度报告有关事项的通知》（国办公开办函〔2019〕60\n号）编制。\n",
        ] {
            assert_eq!(find_title(t), None, "{t}");
        }
    }

    #[test]
    fn a_report_mentioned_mid_sentence_is_not_the_title() {
        let t = "一、总体情况\n本中心在网站发布年报1条，主动公开 2023年度政府信息公开工作年度报告、2024年中心工作要点。\n";
        assert_eq!(find_title(t), None);
        // Quoted it is, also when the quote is broken over two lines.
        let t = "30号）要求，现发布《中卫市公共资源交易中心 2024年政府信\n息公开工作年度报告》，本报告统计数据从 2024年 1月 1日至\n";
        assert_eq!(
            find_title(t).as_deref(),
            Some("中卫市公共资源交易中心2024年政府信息公开工作年度报告")
        );
        let t = "现将《中卫市民政局2024年政府信息公开工作年度报告》公布如下。\n";
        assert_eq!(
            find_title(t).as_deref(),
            Some("中卫市民政局2024年政府信息公开工作年度报告")
        );
    }

    #[test]
    fn no_title_agency_from_the_text() {
        let t = "根据条例编制本报告。\n一、总体情况\n2024年，中卫市民政局认真贯彻落实条例。\n中卫市民政局将继续推进公开。\n";
        let mut w = Vec::new();
        let m = read(
            t,
            &Keyed::new(t),
            &Hints::from_path("x.txt"),
            &Header::default(),
            &mut w,
        );
        assert_eq!(m.agency.as_deref(), Some("中卫市民政局"));
        assert!(w.iter().any(|w| w.contains("no title")), "{w:?}");
    }

    #[test]
    fn year_from_statistics_period_when_title_has_none() {
        let t = "某某市统计局政府信息公开工作年度报告\n本报告统计期限自2021年1月1日起至2021年12月31日止。\n";
        let mut w = Vec::new();
        assert_eq!(
            read(
                t,
                &Keyed::new(t),
                &Hints::from_path("x.txt"),
                &Header::default(),
                &mut w
            )
            .year,
            Some(2021)
        );
    }

    #[test]
    fn breadcrumbs_and_flattened_line() {
        let t = "首页 > 政务公开 > 年报 中卫市审计局2022年政府信息公开工作年度报告 发布时间：2023-01-20。一、总体情况 …\n";
        let mut w = Vec::new();
        let m = read(
            t,
            &Keyed::new(t),
            &Hints::from_path("x.txt"),
            &Header::default(),
            &mut w,
        );
        assert_eq!(m.agency.as_deref(), Some("中卫市审计局"));
        assert_eq!(m.year, Some(2022));
    }
}

//! Where an agency sits and what kind of body it is, read from its name (or a user's mapping file).
//!
//! Only what the name itself says is read: a province-level name at the start (from the fixed
//! list of the 34), then a city (`…市`, `…自治州`, `…州`, `…盟`, `…地区`), then a county
//! (`…县`, `…区`, `…旗`, `…市` after a city). A name that gives no place (`公共资源交易中心`),
//! or a city whose province it does not say (`中卫市…`), gets its missing levels from a mapping
//! file only: nianbao carries no gazetteer, and a guessed province is worse than none.

use serde::Serialize;
use std::path::Path;

/// The place levels read from a name; `None` where the name does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Place {
    pub province: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
}

/// The level a total or a ranking is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    Province,
    City,
    County,
}

impl Place {
    pub fn level(&self, level: Level) -> Option<&str> {
        match level {
            Level::Province => self.province.as_deref(),
            Level::City => self.city.as_deref(),
            Level::County => self.county.as_deref(),
        }
    }
}

/// The kind of body, from the end of its name (FORMAT-independent: the six kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Kind {
    #[serde(rename = "人民政府")]
    Government,
    #[serde(rename = "办公室")]
    Office,
    #[serde(rename = "局")]
    Bureau,
    #[serde(rename = "委员会")]
    Committee,
    #[serde(rename = "中心")]
    Centre,
    #[serde(rename = "街道/乡镇")]
    Township,
    #[serde(rename = "其他")]
    Other,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Government => "人民政府",
            Kind::Office => "办公室",
            Kind::Bureau => "局",
            Kind::Committee => "委员会",
            Kind::Centre => "中心",
            Kind::Township => "街道/乡镇",
            Kind::Other => "其他",
        }
    }

    pub const ALL: [Kind; 7] = [
        Kind::Government,
        Kind::Office,
        Kind::Bureau,
        Kind::Committee,
        Kind::Centre,
        Kind::Township,
        Kind::Other,
    ];
}

/// The kind of an agency from the end of its name. A 镇/乡 government or a 街道办事处 is a
/// township before it is a government or an office.
pub fn kind(name: &str) -> Kind {
    let n = name.trim();
    let township_gov = ["镇人民政府", "乡人民政府"];
    if n.ends_with("街道办事处")
        || n.ends_with("街道")
        || township_gov.iter().any(|s| n.ends_with(s))
        || ((n.ends_with('镇') || n.ends_with('乡')) && n.chars().count() >= 3)
    {
        return Kind::Township;
    }
    if n.ends_with("人民政府") {
        Kind::Government
    } else if n.ends_with("办公室") || n.ends_with("办事处") || n.ends_with('办') {
        Kind::Office
    } else if n.ends_with("委员会") || n.ends_with('委') {
        Kind::Committee
    } else if n.ends_with("中心") {
        Kind::Centre
    } else if n.ends_with('局') {
        Kind::Bureau
    } else {
        Kind::Other
    }
}

/// The 34 province-level divisions by their full names (the four municipalities included).
const PROVINCES: [&str; 34] = [
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "香港特别行政区",
    "澳门特别行政区",
];

const MUNICIPALITIES: [&str; 4] = ["北京市", "天津市", "上海市", "重庆市"];

/// Words before a county-level suffix that are not a place (`开发区`, `园区`, `景区`…).
const NOT_PLACES: [&str; 10] = [
    "开发", "高新", "保税", "工业", "经济", "自治", "市辖", "管理", "服务", "社",
];

/// A prefix of `rest` that is a place name ending in one of `suffixes`, its core (the part
/// before the suffix) of `min..=max` characters containing none of `forbidden`.
fn prefix_with<'a>(
    rest: &'a str,
    suffixes: &[&str],
    min: usize,
    max: usize,
    forbidden: &[char],
) -> Option<&'a str> {
    let mut best: Option<&str> = None;
    for (i, (b, _)) in rest.char_indices().enumerate() {
        if i > max {
            break;
        }
        if i < min {
            continue;
        }
        let core = &rest[..b];
        if core.chars().any(|c| forbidden.contains(&c)) || NOT_PLACES.contains(&core) {
            break;
        }
        for s in suffixes {
            if rest[b..].starts_with(s) {
                let end = b + s.len();
                // The shortest reading wins: `中卫市市场监督管理局` is 中卫市.
                if best.is_none() {
                    best = Some(&rest[..end]);
                }
            }
        }
        if best.is_some() {
            break;
        }
    }
    best
}

/// The place an agency's name states, without a mapping file.
pub fn from_name(name: &str) -> Place {
    let mut place = Place::default();
    let mut rest = name.trim();
    for prefix in ["中共", "中国共产党"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r;
        }
    }
    if let Some(p) = PROVINCES.iter().find(|p| rest.starts_with(**p)) {
        place.province = Some((*p).to_string());
        rest = &rest[p.len()..];
        if MUNICIPALITIES.contains(p) {
            // A municipality is its own city; its districts and counties come next.
            place.city = Some((*p).to_string());
        }
    }
    if place.city.is_none() {
        let city = prefix_with(rest, &["自治州"], 2, 10, &['省', '县', '区', '市'])
            .or_else(|| prefix_with(rest, &["地区", "市", "州", "盟"], 2, 4, &['省', '县', '区']));
        if let Some(c) = city {
            place.city = Some(c.to_string());
            rest = &rest[c.len()..];
        }
    }
    let county = prefix_with(rest, &["自治县", "自治旗"], 2, 10, &['省', '县', '区'])
        .or_else(|| prefix_with(rest, &["县", "区", "旗"], 2, 4, &['省', '县', '区']))
        .or_else(|| {
            // A county-level city only after a city (`金华市义乌市`): alone, `X市` is a city.
            place
                .city
                .as_ref()
                .and_then(|_| prefix_with(rest, &["市"], 2, 4, &['省', '县', '区', '市']))
        });
    if let Some(c) = county {
        place.county = Some(c.to_string());
    }
    place
}

/// Why a mapping file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    #[error("{path}: cannot read the place mapping: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {reason}")]
    Syntax {
        path: String,
        line: usize,
        reason: String,
    },
}

/// A user's mapping from names (or the start of names) to places, for names that do not state
/// their place in full. One line each: `NAME = PROVINCE/CITY/COUNTY`, empty levels allowed
/// (`中卫市 = 宁夏回族自治区/中卫市`, `修武县公共资源交易服务中心 = 河南省/焦作市/修武县`);
/// `#` starts a comment. The longest matching key wins; a level the mapping gives overrides the
/// name's only where the name says nothing.
#[derive(Debug, Clone, Default)]
pub struct PlaceMap {
    entries: Vec<(String, Place)>,
}

impl PlaceMap {
    pub fn load(path: &Path) -> Result<PlaceMap, PlaceError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| PlaceError::Io {
            path: shown.clone(),
            source,
        })?;
        PlaceMap::parse(&shown, &text)
    }

    pub fn parse(path: &str, text: &str) -> Result<PlaceMap, PlaceError> {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let syntax = |reason: &str| PlaceError::Syntax {
                path: path.to_string(),
                line: i + 1,
                reason: reason.to_string(),
            };
            let (key, value) = line
                .split_once('=')
                .ok_or_else(|| syntax("expected NAME = PROVINCE/CITY/COUNTY"))?;
            let key = key.trim();
            if key.is_empty() {
                return Err(syntax("the name before = is empty"));
            }
            let levels: Vec<&str> = value.split('/').map(str::trim).collect();
            if levels.len() > 3 {
                return Err(syntax("at most three levels: PROVINCE/CITY/COUNTY"));
            }
            let level = |i: usize| {
                levels
                    .get(i)
                    .filter(|s| !s.is_empty())
                    .map(|s| s.to_string())
            };
            entries.push((
                key.to_string(),
                Place {
                    province: level(0),
                    city: level(1),
                    county: level(2),
                },
            ));
        }
        // Longest key first, so the first match is the most specific.
        entries.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Ok(PlaceMap { entries })
    }

    /// The place of an agency: what its name says, completed by the mapping. Keys are matched
    /// against the whole name and against each place level the name gives (`中卫市` fills the
    /// province of every `中卫市…` agency).
    pub fn place(&self, name: &str) -> Place {
        let mut place = from_name(name);
        let mut fill = |m: &Place| {
            if place.province.is_none() {
                place.province.clone_from(&m.province);
            }
            if place.city.is_none() {
                place.city.clone_from(&m.city);
            }
            if place.county.is_none() {
                place.county.clone_from(&m.county);
            }
        };
        for (key, m) in &self.entries {
            if name.starts_with(key.as_str()) {
                fill(m);
            }
        }
        place
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(a: Option<&str>, b: Option<&str>, c: Option<&str>) -> Place {
        Place {
            province: a.map(String::from),
            city: b.map(String::from),
            county: c.map(String::from),
        }
    }

    #[test]
    fn places_stated_in_names() {
        let cases = [
            ("中卫市公共资源交易中心", p(None, Some("中卫市"), None)),
            ("中卫市市场监督管理局", p(None, Some("中卫市"), None)),
            ("修武县公共资源交易服务中心", p(None, None, Some("修武县"))),
            (
                "河南省焦作市修武县人民政府",
                p(Some("河南省"), Some("焦作市"), Some("修武县")),
            ),
            (
                "宁夏回族自治区石嘴山市大武口区人民政府办公室",
                p(Some("宁夏回族自治区"), Some("石嘴山市"), Some("大武口区")),
            ),
            (
                "北京市朝阳区教育委员会",
                p(Some("北京市"), Some("北京市"), Some("朝阳区")),
            ),
            (
                "济南市市中区人民政府",
                p(None, Some("济南市"), Some("市中区")),
            ),
            (
                "金华市义乌市财政局",
                p(None, Some("金华市"), Some("义乌市")),
            ),
            (
                "黔东南苗族侗族自治州民政局",
                p(None, Some("黔东南苗族侗族自治州"), None),
            ),
            ("江苏省财政厅", p(Some("江苏省"), None, None)),
            ("公共资源交易中心", p(None, None, None)),
            ("市场监督管理局", p(None, None, None)),
            ("金凤区市场监督管理局", p(None, None, Some("金凤区"))),
            ("中共中卫市委办公室", p(None, Some("中卫市"), None)),
            ("经济开发区管理委员会", p(None, None, None)),
        ];
        for (name, want) in cases {
            assert_eq!(from_name(name), want, "{name}");
        }
    }

    #[test]
    fn kinds_from_the_end_of_names() {
        let cases = [
            ("中卫市人民政府", Kind::Government),
            ("沙坡头区文昌镇人民政府", Kind::Township),
            ("大武口区长胜街道办事处", Kind::Township),
            ("中卫市人民政府办公室", Kind::Office),
            ("中卫市发展和改革委员会", Kind::Committee),
            ("中卫市卫健委", Kind::Committee),
            ("中卫市公共资源交易中心", Kind::Centre),
            ("中卫市财政局", Kind::Bureau),
            ("江苏省财政厅", Kind::Other),
        ];
        for (name, want) in cases {
            assert_eq!(kind(name), want, "{name}");
        }
    }

    #[test]
    fn a_mapping_fills_only_what_the_name_leaves_open() {
        let map = PlaceMap::parse(
            "m",
            "# places\n中卫市 = 宁夏回族自治区/中卫市\n修武县公共资源交易服务中心 = 河南省/焦作市/修武县\n中卫市公共 = 甘肃省/兰州市/  # wrong on purpose: the name's city wins\n",
        )
        .unwrap();
        assert_eq!(
            map.place("中卫市公共资源交易中心"),
            p(Some("甘肃省"), Some("中卫市"), None),
            "the longest key fills first; the name's own city is kept"
        );
        assert_eq!(
            map.place("中卫市财政局"),
            p(Some("宁夏回族自治区"), Some("中卫市"), None)
        );
        assert_eq!(
            map.place("修武县公共资源交易服务中心"),
            p(Some("河南省"), Some("焦作市"), Some("修武县"))
        );
        assert_eq!(map.place("某局"), p(None, None, None));
        let bad = PlaceMap::parse("m", "中卫市 宁夏").unwrap_err().to_string();
        assert!(bad.contains("m:1"), "{bad}");
        assert!(PlaceMap::parse("m", "a = 1/2/3/4").is_err());
    }
}

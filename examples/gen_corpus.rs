//! Synthetic corpus generator for tests and benchmarks: N realistic reports as DIR/<agency>/<year>.txt.
//!
//! `cargo run --release --example gen_corpus -- --out DIR --n 10000 [--seed S]`
//!
//! Each report is one of the real samples (corpus/ and tests/fixtures/, chosen by the template
//! its year calls for) with another agency's name and year written in, some table figures
//! changed (so some reports break the checks of FORMAT.md §4), sentences from the other samples
//! added for variety, and one of the layouts of FORMAT.md §5: as is, flattened web text on one
//! line, page footers, spaces inside words, full-width digits, or GBK instead of UTF-8.
//! Deterministic for a given seed. For scale only; the shipped corpus/ holds real reports.

use std::path::{Path, PathBuf};

const PROVINCES: [&str; 12] = [
    "宁夏回族自治区",
    "河南省",
    "江苏省",
    "浙江省",
    "福建省",
    "湖南省",
    "四川省",
    "山东省",
    "广东省",
    "甘肃省",
    "河北省",
    "安徽省",
];
const CITIES: [&str; 40] = [
    "中卫市",
    "石嘴山市",
    "银川市",
    "吴忠市",
    "固原市",
    "焦作市",
    "郑州市",
    "洛阳市",
    "开封市",
    "新乡市",
    "南京市",
    "苏州市",
    "宿迁市",
    "杭州市",
    "宁波市",
    "温州市",
    "厦门市",
    "福州市",
    "泉州市",
    "长沙市",
    "株洲市",
    "岳阳市",
    "成都市",
    "绵阳市",
    "乐山市",
    "济南市",
    "青岛市",
    "潍坊市",
    "广州市",
    "深圳市",
    "佛山市",
    "兰州市",
    "天水市",
    "石家庄市",
    "保定市",
    "邯郸市",
    "合肥市",
    "芜湖市",
    "重庆市",
    "蚌埠市",
];
const COUNTIES: [&str; 30] = [
    "沙坡头区",
    "中宁县",
    "海原县",
    "平罗县",
    "大武口区",
    "修武县",
    "博爱县",
    "武陟县",
    "温县",
    "沭阳县",
    "泗阳县",
    "泗洪县",
    "江宁区",
    "吴江区",
    "余杭区",
    "鄞州区",
    "同安区",
    "晋江市",
    "浏阳市",
    "宁乡市",
    "双流区",
    "郫都区",
    "章丘区",
    "即墨区",
    "番禺区",
    "南海区",
    "榆中县",
    "正定县",
    "肥西县",
    "长丰县",
];
/// Characters to make up more place names for corpora larger than the real lists allow.
const PLACE_CHARS: &str = "安宁平和阳山河东西南北青石白金龙凤华兴隆昌盛永清泉源德化新丰乐林川江海";
const DEPARTMENTS: [&str; 24] = [
    "公共资源交易中心",
    "工业和信息化局",
    "审计局",
    "财政局",
    "教育局",
    "民政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "应急管理局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "行政审批服务局",
    "人民政府办公室",
    "司法局",
    "发展和改革委员会",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: enough for test data, and no dependency.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

struct Sample {
    text: String,
    agency: String,
    year: i32,
}

fn load_samples(root: &Path) -> Vec<Sample> {
    let mut out = Vec::new();
    let corpus = root.join("corpus");
    for e in walk(&corpus) {
        let Ok(text) = std::fs::read_to_string(&e) else {
            continue;
        };
        let agency = e
            .parent()
            .and_then(|p| p.file_name())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let year = e
            .file_stem()
            .and_then(|s| s.to_string_lossy().parse().ok())
            .unwrap_or(2024);
        out.push(Sample { text, agency, year });
    }
    for (f, agency, year) in [
        ("tests/fixtures/template2019.txt", "", 2019),
        ("tests/fixtures/nonzero2021.txt", "", 2021),
    ] {
        if let Ok(text) = std::fs::read_to_string(root.join(f)) {
            out.push(Sample {
                text,
                agency: agency.into(),
                year,
            });
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                v.extend(walk(&p));
            } else if p.extension().is_some_and(|x| x == "txt") {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

fn agency_name(rng: &mut Rng, i: usize) -> String {
    let dept = DEPARTMENTS[i % DEPARTMENTS.len()];
    let place_i = i / DEPARTMENTS.len();
    let place = if place_i < CITIES.len() {
        CITIES[place_i].to_string()
    } else if place_i < CITIES.len() + COUNTIES.len() {
        COUNTIES[place_i - CITIES.len()].to_string()
    } else {
        let chars: Vec<char> = PLACE_CHARS.chars().collect();
        let a = chars[rng.below(chars.len())];
        let b = chars[rng.below(chars.len())];
        let suffix = ["县", "区", "市"][rng.below(3)];
        format!("{}{a}{b}{suffix}", PROVINCES[place_i % PROVINCES.len()])
    };
    format!("{place}{dept}")
}

/// Changes some figures on table-looking lines: a line whose tokens are mostly numbers.
fn perturb_numbers(text: &str, rng: &mut Rng, percent: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let toks: Vec<&str> = line.split_whitespace().collect();
        let nums = toks.iter().filter(|t| t.parse::<u32>().is_ok()).count();
        if nums >= 3 && rng.chance(percent) {
            let mut first = true;
            for t in line.split(' ') {
                if !first {
                    out.push(' ');
                }
                first = false;
                let core = t.trim_end_matches('\n');
                if core.parse::<u32>().is_ok() && rng.chance(30) {
                    out.push_str(&rng.below(40).to_string());
                    if t.ends_with('\n') {
                        out.push('\n');
                    }
                } else {
                    out.push_str(t);
                }
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

fn layout(text: String, rng: &mut Rng) -> (String, bool) {
    match rng.below(10) {
        // Flattened web page: breadcrumbs, one long line, an HTML comment.
        0 => (
            format!(
                "首页 > 政务公开 > 政府信息公开年报 <!--[if !supportLists]--> {}",
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            ),
            false,
        ),
        // Page footers every 30 lines.
        1 => {
            let mut out = String::new();
            for (i, l) in text.lines().enumerate() {
                out.push_str(l);
                out.push('\n');
                if i % 30 == 29 {
                    out.push_str(&format!("\n- {} -\n\n", i / 30 + 1));
                }
            }
            (out, false)
        }
        // Full-width digits.
        2 => (
            text.chars()
                .map(|c| {
                    if c.is_ascii_digit() && rng.chance(50) {
                        char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
                    } else {
                        c
                    }
                })
                .collect(),
            false,
        ),
        // Spaces inside words, as PDF converters leave them.
        3 => {
            let mut out = String::new();
            for c in text.chars() {
                out.push(c);
                if ('\u{4e00}'..='\u{9fff}').contains(&c) && rng.chance(3) {
                    out.push(' ');
                }
            }
            (out, false)
        }
        // GBK instead of UTF-8.
        4 => (text, true),
        _ => (text, false),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let get = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let Some(out) = get("--out") else {
        eprintln!("usage: gen_corpus --out DIR [--n N] [--seed S]");
        std::process::exit(2);
    };
    let n: usize = get("--n").and_then(|s| s.parse().ok()).unwrap_or(1000);
    let seed: u64 = get("--seed").and_then(|s| s.parse().ok()).unwrap_or(1);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let samples = load_samples(&root);
    if samples.is_empty() {
        eprintln!("gen_corpus: no samples found under {}", root.display());
        std::process::exit(1);
    }
    let sentences: Vec<String> = samples
        .iter()
        .flat_map(|s| s.text.split('。').map(|x| x.trim().to_string()))
        .filter(|x| x.chars().count() > 12 && x.chars().count() < 120)
        .collect();
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let years: Vec<i32> = (2017..=2024).collect();
    let out = PathBuf::from(out);
    let mut written = 0;
    let mut i = 0;
    while written < n {
        let agency = agency_name(&mut rng, i / years.len());
        let year = years[i % years.len()];
        i += 1;
        // Not every agency has every year.
        if rng.chance(10) {
            continue;
        }
        let pool: Vec<&Sample> = samples
            .iter()
            .filter(|s| match year {
                y if y >= 2021 => s.year >= 2021,
                2019 | 2020 => s.year == 2019 || s.year == 2020,
                _ => s.year < 2019,
            })
            .collect();
        let pool = if pool.is_empty() {
            samples.iter().collect()
        } else {
            pool
        };
        let base = pool[rng.below(pool.len())];
        let mut text = base.text.clone();
        if !base.agency.is_empty() {
            text = text.replace(&base.agency, &agency);
        }
        text = text
            .replace(&format!("{}年", base.year + 1), &format!("{}年", year + 1))
            .replace(&format!("{}年", base.year), &format!("{}年", year));
        if !text.contains(&agency) {
            text = format!("{agency}{year}年政府信息公开工作年度报告\n\n{text}");
        }
        // Half the reports keep their figures (they pass the checks); the rest may not.
        if rng.chance(50) {
            text = perturb_numbers(&text, &mut rng, 20);
        }
        let extra: Vec<&str> = (0..3 + rng.below(6))
            .map(|_| sentences[rng.below(sentences.len())].as_str())
            .collect();
        text.push_str(&format!("\n{}。\n", extra.join("。")));
        let (text, gbk) = layout(text, &mut rng);
        let dir = out.join(&agency);
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("gen_corpus: {}: {e}", dir.display());
            std::process::exit(1);
        }
        let bytes = if gbk {
            encoding_rs::GBK.encode(&text).0.into_owned()
        } else {
            text.into_bytes()
        };
        if let Err(e) = std::fs::write(dir.join(format!("{year}.txt")), bytes) {
            eprintln!("gen_corpus: {e}");
            std::process::exit(1);
        }
        written += 1;
    }
    println!("wrote {written} reports to {}", out.display());
}

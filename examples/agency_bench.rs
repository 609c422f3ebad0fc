//! Bench of agency matching (go-to, `open`, `show`, the filters' agency box): the time one input
//! takes over many agency names, for each kind of match and for input matching nothing (the
//! worst case: every name is tried at every grade).
//!
//! `cargo run --release --example agency_bench -- [--names N]`

use nianbao::index::agency::AgencyMatcher;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .iter()
        .position(|a| a == "--names")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let cities = [
        "中卫市",
        "银川市",
        "石嘴山市",
        "吴忠市",
        "固原市",
        "兰州市",
        "西宁市",
        "郑州市",
        "洛阳市",
        "焦作市",
        "开封市",
        "南阳市",
        "信阳市",
        "周口市",
        "商丘市",
        "许昌市",
        "新乡市",
        "安阳市",
    ];
    let counties = [
        "",
        "沙坡头区",
        "中宁县",
        "海原县",
        "修武县",
        "武陟县",
        "温县",
        "博爱县",
    ];
    let bodies = [
        "工业和信息化局",
        "人力资源和社会保障局",
        "住房和城乡建设局",
        "市场监督管理局",
        "发展和改革委员会",
        "卫生健康委员会",
        "生态环境局",
        "自然资源局",
        "交通运输局",
        "农业农村局",
        "文化和旅游局",
        "应急管理局",
        "医疗保障局",
        "退役军人事务局",
        "公共资源交易中心",
        "人民政府办公室",
        "财政局",
        "教育局",
        "公安局",
        "民政局",
    ];
    let mut names = Vec::new();
    'all: for k in 0.. {
        for c in cities {
            for county in counties {
                for b in bodies {
                    if names.len() >= n {
                        break 'all;
                    }
                    // Numbered beyond the first round, so names stay distinct.
                    let suffix = if k == 0 {
                        String::new()
                    } else {
                        format!("第{k}分局")
                    };
                    names.push(format!("宁夏回族自治区{c}{county}{b}{suffix}"));
                }
            }
        }
    }
    let t = Instant::now();
    let m = AgencyMatcher::new(names.clone());
    let build = t.elapsed();
    println!(
        "{} names, matcher built in {:.1} ms\n",
        names.len(),
        build.as_secs_f64() * 1e3
    );
    println!("| input | kind | matches | p50 ms | max ms |");
    println!("|---|---|---|---|---|");
    for (input, kind) in [
        ("中卫 工业", "Chinese parts, together"),
        ("zhongwei", "pinyin, together"),
        ("zwsgyhxxhj", "initials, together"),
        ("中卫 工信局", "short name"),
        ("zwgxj", "initials of the short name"),
        ("zwgyhxxhj", "initials, 市 left out"),
        ("zhongweigongye", "pinyin, characters left out"),
        ("xyzxyzq", "nothing (every grade tried)"),
    ] {
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..15 {
            let t = Instant::now();
            found = m.resolve(input).len();
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "| `{input}` | {kind} | {found} | {:.1} | {:.1} |",
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
}

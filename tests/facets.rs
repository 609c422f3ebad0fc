//! Region and failed-check filters and their counts: the tantivy index and the in-memory engine
//! give the same hits and the same chips, counted by hand from the corpus.

mod common;

use common::synth::{Rng, Truth};
use nianbao::index::{open_or_build, Backend, MemoryIndex, Query, Region};
use nianbao::report::place::Level;
use nianbao::report::Template;
use std::path::Path;

/// The shipped corpus and the fixture with two failed checks, in a folder of their own.
fn corpus(dir: &Path) -> std::path::PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = dir.join("corpus");
    for e in walkdir::WalkDir::new(root.join("corpus")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "txt") {
            let rel = e.path().strip_prefix(root.join("corpus")).unwrap();
            let to = corpus.join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(e.path(), to).unwrap();
        }
    }
    let to = corpus.join("某某市生态环境局/2022.txt");
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(root.join("tests/fixtures/nonzero2021.txt"), to).unwrap();
    corpus
}

fn region(level: Level, name: &str) -> Region {
    Region {
        level,
        name: name.into(),
    }
}

#[test]
fn regions_and_failed_checks_filter_and_count_alike_in_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path());
    let (index, _) = open_or_build(&corpus, &dir.path().join("index"), &mut |_| {}).unwrap();
    let memory = MemoryIndex::load(&corpus, &mut |_, _| {}).unwrap();
    let engines: [(&str, &dyn Backend); 2] = [("index", &index), ("memory", &memory)];
    // The corpus by hand: 中卫市 has 工业和信息化局 2024 and 公共资源交易中心 2017 and
    // 2024; 石嘴山市 one report, 某某市 one (the fixture, whose checks fail), 修武县 one (a
    // county, no city in its name).
    let q = |regions: Vec<Region>, failed_only: bool| Query {
        regions,
        failed_only,
        limit: 100,
        ..Query::default()
    };
    for (name, e) in engines {
        let all = e.search(&q(vec![], false)).unwrap();
        assert_eq!(all.total, 6, "{name}");
        let n = |r: &Region| all.facets.regions.iter().find(|(x, _)| x == r).map(|x| x.1);
        assert_eq!(n(&region(Level::City, "中卫市")), Some(3), "{name}");
        assert_eq!(n(&region(Level::City, "石嘴山市")), Some(1), "{name}");
        assert_eq!(n(&region(Level::County, "修武县")), Some(1), "{name}");
        assert_eq!(all.facets.failed, 1, "{name}");
        // Cities come before counties; within a level the most hits first.
        assert_eq!(
            all.facets.regions[0].0,
            region(Level::City, "中卫市"),
            "{name}"
        );

        let zw = e
            .search(&q(vec![region(Level::City, "中卫市")], false))
            .unwrap();
        assert_eq!(zw.total, 3, "{name}");
        assert!(
            zw.hits.iter().all(|h| h.agency.starts_with("中卫市")),
            "{name}"
        );
        // The city chips are counted without the city filter (choosing another adds to it);
        // the county chips with it (修武县 is in no city of the filter).
        let levels = |f: &[(Region, u64)]| f.iter().map(|(r, n)| (r.level, *n)).collect::<Vec<_>>();
        assert_eq!(
            levels(&zw.facets.regions),
            [(Level::City, 3), (Level::City, 1), (Level::City, 1)],
            "{name}"
        );
        assert_eq!(zw.facets.failed, 0, "{name}: none of 中卫市's checks fails");
        let two = e
            .search(&q(
                vec![
                    region(Level::City, "中卫市"),
                    region(Level::City, "石嘴山市"),
                ],
                false,
            ))
            .unwrap();
        assert_eq!(two.total, 4, "{name}: within a level, either");
        let both = e
            .search(&q(
                vec![
                    region(Level::City, "中卫市"),
                    region(Level::County, "修武县"),
                ],
                false,
            ))
            .unwrap();
        assert_eq!(both.total, 0, "{name}: across levels, both");

        let failed = e.search(&q(vec![], true)).unwrap();
        assert_eq!(failed.total, 1, "{name}");
        assert_eq!(failed.hits[0].agency, "某某市生态环境局", "{name}");
        assert_eq!(failed.facets.failed, 1, "{name}");
        assert_eq!(failed.facets.years, [(2022, 1)], "{name}");
        let none = e
            .search(&q(vec![region(Level::City, "中卫市")], true))
            .unwrap();
        assert_eq!(none.total, 0, "{name}");
    }
}

/// Each segment counts its own agencies and places, merged once per search: on an index of
/// several segments (three builds, each adding reports of agencies the others have too), every
/// count of every query and filter is the in-memory engine's, which counts in one array.
#[test]
fn counts_merged_from_several_segments_equal_the_memory_engines() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let index_dir = dir.path().join("index");
    let agencies = [
        "宁夏回族自治区中卫市财政局",
        "中卫市公共资源交易中心",
        "中卫市沙坡头区人民政府",
        "石嘴山市生态环境局",
        "河南省焦作市修武县人民政府",
        "河南省郑州市教育局",
        "江苏省苏州市吴中区民政局",
        "苏州市工业和信息化局",
        "广东省审计厅",
        "永宁县审计局",
    ];
    let mut rng = Rng(7);
    for round in 0..3 {
        for (i, agency) in agencies.iter().enumerate() {
            // Round r writes years 2019+r and 2022+r for most agencies: every segment holds
            // most agencies, and some agencies only some segments.
            for year in [2019 + round, 2022 + round] {
                if (i + round as usize) % 4 == 3 {
                    continue;
                }
                let t = Truth::generate(&mut rng, agency, year, None, 1 + (i as u64 % 3));
                let path = corpus.join(agency).join(format!("{year}.txt"));
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, t.text()).unwrap();
            }
        }
        open_or_build(&corpus, &index_dir, &mut |_| {}).unwrap();
    }
    let segments = std::fs::read_dir(&index_dir)
        .unwrap()
        .filter(|e| {
            let p = e.as_ref().unwrap().path();
            p.extension().is_some_and(|x| x == "store")
        })
        .count();
    assert!(
        segments >= 3,
        "{segments} segment(s): the test needs several"
    );
    let (index, _) = open_or_build(&corpus, &index_dir, &mut |_| {}).unwrap();
    let memory = MemoryIndex::load(&corpus, &mut |_, _| {}).unwrap();
    let filters: Vec<(&str, Query)> = vec![
        ("none", Query::default()),
        (
            "years",
            Query {
                years: Some((2020, 2023)),
                ..Query::default()
            },
        ),
        (
            "template",
            Query {
                template: Some(Template::T2021),
                ..Query::default()
            },
        ),
        (
            "city",
            Query {
                regions: vec![region(Level::City, "苏州市")],
                ..Query::default()
            },
        ),
        (
            "province",
            Query {
                regions: vec![region(Level::Province, "河南省")],
                ..Query::default()
            },
        ),
        (
            "city and county",
            Query {
                regions: vec![
                    region(Level::City, "中卫市"),
                    region(Level::County, "沙坡头区"),
                ],
                ..Query::default()
            },
        ),
        (
            "agency",
            Query {
                agencies: vec![agencies[3].into()],
                ..Query::default()
            },
        ),
        (
            "all",
            Query {
                years: Some((2021, 2024)),
                template: Some(Template::T2021),
                regions: vec![region(Level::Province, "河南省")],
                ..Query::default()
            },
        ),
    ];
    let mut compared = 0;
    for text in ["", "公开", "行政复议", "中卫", "财政 -复议", "审计局"] {
        for (name, filter) in &filters {
            let q = Query {
                text: text.into(),
                limit: 5,
                ..filter.clone()
            };
            let a = index.search(&q).unwrap();
            let b = memory.search(&q).unwrap();
            let what = format!("{text:?} with {name}");
            assert_eq!(a.total, b.total, "{what}");
            let f = (&a.facets, &b.facets);
            assert_eq!(f.0.agencies.top(100), f.1.agencies.top(100), "{what}");
            assert_eq!(f.0.years, f.1.years, "{what}");
            assert_eq!(f.0.templates, f.1.templates, "{what}");
            assert_eq!(f.0.regions, f.1.regions, "{what}");
            assert_eq!(f.0.failed, f.1.failed, "{what}");
            compared += usize::from(!f.0.regions.is_empty() && !f.0.agencies.top(1).is_empty());
        }
    }
    assert!(
        compared > 20,
        "only {compared} searches had counts to compare"
    );
}

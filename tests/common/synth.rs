//! Reports written from figures a test chooses, so that what work across reports computes can be
//! checked against the truth: a deterministic generator of tables 2-x, 3 and 4 in both
//! templates, with the arithmetic of FORMAT.md §4 holding, and the report text around them.
#![allow(dead_code)]
// Rows and columns are indices into the truth on purpose: they name cells.
#![allow(clippy::needless_range_loop)]

pub const T3_COLUMNS: [&str; 7] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];

/// Table 3's row labels (the template's wording) and their group headings.
pub fn t3_rows(template2019: bool) -> Vec<(&'static str, Option<&'static str>)> {
    let g3 = Some("（三）不予公开");
    let g4 = Some("（四）无法提供");
    let g5 = Some("（五）不予处理");
    let g6 = Some("（六）其他处理");
    let mut v = vec![
        ("一、本年新收政府信息公开申请数量", None),
        ("二、上年结转政府信息公开申请数量", None),
        ("（一）予以公开", None),
        (
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            None,
        ),
        ("1.属于国家秘密", g3),
        ("2.其他法律行政法规禁止公开", g3),
        ("3.危及“三安全一稳定”", g3),
        ("4.保护第三方合法权益", g3),
        ("5.属于三类内部事务信息", g3),
        ("6.属于四类过程性信息", g3),
        ("7.属于行政执法案卷", g3),
        ("8.属于行政查询事项", g3),
        ("1.本机关不掌握相关政府信息", g4),
        ("2.没有现成信息需要另行制作", g4),
        ("3.补正后申请内容仍不明确", g4),
        ("1.信访举报投诉类申请", g5),
        ("2.重复申请", g5),
        ("3.要求提供公开出版物", g5),
        ("4.无正当理由大量反复申请", g5),
        ("5.要求行政机关确认或重新出具已获取信息", g5),
    ];
    if template2019 {
        v.push(("（六）其他处理", None));
    } else {
        v.push((
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            g6,
        ));
        v.push((
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            g6,
        ));
        v.push(("3.其他", g6));
    }
    v.push(("（七）总计", None));
    v.push(("四、结转下年度继续办理", None));
    v
}

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The figures of one report, the truth a test checks against.
#[derive(Debug, Clone, PartialEq)]
pub struct Truth {
    pub agency: String,
    pub year: i32,
    pub template2019: bool,
    /// Table 3, rows of [`t3_rows`] × 7 columns; `None` for a cell written as `/`.
    pub t3: Vec<Vec<Option<i64>>>,
    /// Table 4's 15 figures.
    pub t4: Vec<i64>,
    /// 2-1 (2 rows × 3), 2-5, 2-6 (2 rows × 1 in 2021) as (row, columns, values).
    pub s2: Vec<(&'static str, &'static str, Vec<i64>)>,
}

impl Truth {
    /// Figures that keep every rule of FORMAT.md §4; `carried_in` fixes 二、上年结转 per column
    /// (for the cross-year rule), `scale` makes large or small agencies.
    pub fn generate(
        rng: &mut Rng,
        agency: &str,
        year: i32,
        carried_in: Option<[i64; 6]>,
        scale: u64,
    ) -> Truth {
        let template2019 = year < 2021;
        let rows = t3_rows(template2019);
        let n = rows.len();
        let total_row = n - 2;
        let mut t3 = vec![vec![Some(0i64); 7]; n];
        for c in 0..6 {
            let mut sum = 0;
            for r in 2..total_row {
                // Mostly zeros, as in real reports; 予以公开 larger; at scale 1 予以公开 only
                // (at most 3 a column: a small sample).
                let v = if r == 2 {
                    rng.below(scale * 3 + 1) as i64
                } else if scale > 1 && rng.below(3) == 0 {
                    rng.below(scale + 1) as i64
                } else {
                    0
                };
                t3[r][c] = Some(v);
                sum += v;
            }
            t3[total_row][c] = Some(sum);
            let cin = carried_in.map_or(rng.below(4) as i64, |x| x[c]);
            let cout = rng.below(4) as i64;
            // 一 + 二 = （七） + 四: 一 = （七） + 四 − 二, never below 0.
            let (cin, new) = if sum + cout - cin >= 0 {
                (cin, sum + cout - cin)
            } else {
                (cin, 0)
            };
            let cout = if new == 0 { cin - sum } else { cout };
            t3[0][c] = Some(new);
            t3[1][c] = Some(cin);
            t3[n - 1][c] = Some(cout);
        }
        for row in t3.iter_mut() {
            let s: i64 = row[..6].iter().map(|v| v.unwrap_or(0)).sum();
            row[6] = Some(s);
        }
        let mut t4 = Vec::new();
        for _ in 0..3 {
            let parts: Vec<i64> = (0..4).map(|_| rng.below(scale / 2 + 2) as i64).collect();
            let s = parts.iter().sum();
            t4.extend(parts);
            t4.push(s);
        }
        let s2 = if template2019 {
            vec![
                ("2-1", "规章", vec![0, 0, 0]),
                (
                    "2-1",
                    "规范性文件",
                    (0..3).map(|_| rng.below(9) as i64).collect(),
                ),
            ]
        } else {
            vec![
                ("2-1", "规章", vec![0, 0, 0]),
                (
                    "2-1",
                    "行政规范性文件",
                    (0..3).map(|_| rng.below(9) as i64).collect(),
                ),
                ("2-5", "行政许可", vec![rng.below(500) as i64]),
            ]
        };
        Truth {
            agency: agency.to_string(),
            year,
            template2019,
            t3,
            t4,
            s2,
        }
    }

    /// The report's text: the official title, the citation of the format notice, the four
    /// tables one row a line, cells separated by spaces; an empty cell written `/`.
    pub fn text(&self) -> String {
        let cite = if self.template2019 {
            "国办公开办函〔2019〕60号"
        } else {
            "国办公开办函〔2021〕30号"
        };
        let y = self.year;
        let mut s = format!(
            "{a}{y}年政府信息公开工作年度报告\n\n本年度报告根据《中华人民共和国政府信息公开条例》和《政府信息公开工作年度报告格式》（{cite}）要求编制。统计期限自{y}年1月1日起至{y}年12月31日止。\n\n一、总体情况\n\n{y}年，{a}认真贯彻落实条例。\n\n二、主动公开政府信息情况\n\n",
            a = self.agency
        );
        if self.template2019 {
            s.push_str(
                "第二十条第（一）项\n\n信息内容 本年新制作数量 本年新公开数量 对外公开总数量\n\n",
            );
        } else {
            s.push_str("第二十条第（一）项\n\n信息内容 本年制发件数 本年废止件数 现行有效件数\n\n");
        }
        for (t, row, vals) in &self.s2 {
            if *t == "2-1" {
                s.push_str(&format!("{row} {}\n\n", join(vals)));
            }
        }
        for (t, row, vals) in &self.s2 {
            if *t == "2-5" {
                s.push_str(&format!(
                    "第二十条第（五）项\n\n信息内容 本年处理决定数量\n\n{row} {}\n\n",
                    join(vals)
                ));
            }
        }
        s.push_str("三、收到和处理政府信息公开申请情况\n\n申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计\n\n");
        let rows = t3_rows(self.template2019);
        let mut last_group = None;
        for (i, (label, group)) in rows.iter().enumerate() {
            if *label == "（一）予以公开" {
                s.push_str("三、本年度办理结果\n\n");
            }
            if group.is_some() && *group != last_group {
                s.push_str(&format!("{}\n\n", group.unwrap_or("")));
            }
            last_group = *group;
            let cells: Vec<String> = self.t3[i]
                .iter()
                .map(|v| v.map_or("/".to_string(), |v| v.to_string()))
                .collect();
            s.push_str(&format!("{label} {}\n\n", cells.join(" ")));
        }
        s.push_str("四、政府信息公开行政复议、行政诉讼情况\n\n行政复议 行政诉讼\n\n结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉\n\n");
        s.push_str(&format!("{}\n\n", join(&self.t4)));
        s.push_str(
            "五、存在的主要问题及改进情况\n\n仍有不足。\n\n六、其他需要报告的事项\n\n无。\n",
        );
        s
    }
}

fn join(v: &[i64]) -> String {
    v.iter().map(i64::to_string).collect::<Vec<_>>().join(" ")
}

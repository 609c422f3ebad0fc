"""Fills the blank 2021 DOCX template (shared/sample-files/2021年报格式-空白.docx) with the
figures of tests/documents/示例县统计局_2023.json, some cells left blank and some 不适用.

    pip install python-docx
    python3 tests/documents/make_docx.py ../shared/sample-files/2021年报格式-空白.docx tests/documents/示例县统计局-2023.docx

The PDF and HTML beside it come from this DOCX (LibreOffice):
    soffice --headless --convert-to pdf  --outdir tests/documents tests/documents/示例县统计局-2023.docx
    soffice --headless --convert-to html --outdir tests/documents tests/documents/示例县统计局-2023.docx
"""
import sys
import docx

src, dst = sys.argv[1], sys.argv[2]
d = docx.Document(src)

TEXT = {
    "政府信息公开工作年度报告格式模板": "示例县统计局2023年政府信息公开工作年度报告",
    "（文字描述）": None,  # replaced in order below
}
bodies = [
    "2023年，示例县统计局认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开统计数据和统计公报。",
    "下一步将继续加强统计信息公开平台建设，提高公开质量。",
]
for p in d.paragraphs:
    t = p.text.strip()
    if t == "政府信息公开工作年度报告格式模板":
        for r in p.runs[1:]:
            r.text = ""
        p.runs[0].text = "示例县统计局2023年政府信息公开工作年度报告"
    elif t == "（文字描述）" and bodies:
        for r in p.runs[1:]:
            r.text = ""
        p.runs[0].text = bodies.pop(0)
    elif t.startswith("（文字描述，收取信息处理费"):
        for r in p.runs[1:]:
            r.text = ""
        p.runs[0].text = "本年度未收取信息处理费。"


def distinct(row):
    seen, out = set(), []
    for c in row.cells:
        if id(c._tc) not in seen:
            seen.add(id(c._tc))
            out.append(c)
    return out


def fill(table, label, values):
    """Puts `values` into the last len(values) distinct cells of the row whose label is `label`;
    None leaves the template's blank as it is."""
    for row in table.rows:
        cells = distinct(row)
        texts = [c.text.strip() for c in cells]
        if any(t.replace("\n", "") .startswith(label) for t in texts[:-len(values)] or texts[:1]):
            for c, v in zip(cells[-len(values):], values):
                if v is not None:
                    c.text = str(v)
            return
    raise SystemExit(f"row not found: {label}")


t2, t3, t4 = d.tables
fill(t2, "规章", [0, 0, 0])
fill(t2, "行政规范性文件", [3, 1, 12])
fill(t2, "行政许可", [1520])
fill(t2, "行政处罚", [86])
fill(t2, "行政强制", ["不适用"])
fill(t2, "行政事业性收费", [12.5])

Z = [0] * 7
rows3 = [
    ("一、本年新收", [30, 5, 0, 1, 2, 0, 38]),
    ("二、上年结转", [2, 0, 0, 0, 0, 0, 2]),
    ("（一）予以公开", [15, 2, 0, 1, 1, 0, 19]),
    ("（二）部分公开", [3, 1, 0, 0, 0, 0, 4]),
    ("1.属于国家秘密", Z),
    ("2.其他法律行政法规禁止公开", Z),
    ("3.危及", Z),
    ("4.保护第三方合法权益", [1, 0, 0, 0, 0, 0, 1]),
    ("5.属于三类内部事务信息", Z),
    ("6.属于四类过程性信息", Z),
    ("7.属于行政执法案卷", [None] * 7),  # left blank
    ("8.属于行政查询事项", Z),
    ("1.本机关不掌握相关政府信息", [6, 1, 0, 0, 1, 0, 8]),
    ("2.没有现成信息需要另行制作", [1, 0, 0, 0, 0, 0, 1]),
    ("3.补正后申请内容仍不明确", Z),
    ("1.信访举报投诉类申请", [1, 0, 0, 0, 0, 0, 1]),
    ("2.重复申请", [1, 0, 0, 0, 0, 0, 1]),
    ("3.要求提供公开出版物", Z),
    ("4.无正当理由大量反复申请", Z),
    ("5.要求行政机关确认或重新出具已获取信息", Z),
    ("1.申请人无正当理由逾期不补正", Z),
    ("2.申请人逾期未按收费通知要求缴纳费用", Z),
    ("3.其他", Z),
    ("（七）总计", [28, 4, 0, 1, 2, 0, 35]),
    ("四、结转下年度继续办理", [4, 1, 0, 0, 0, 0, 5]),
]
for label, vals in rows3:
    fill(t3, label, vals)

# Table 4: the last row of 15 cells.
cells = distinct(t4.rows[-1])
for c, v in zip(cells, [2, 1, 0, 1, 4, 1, 0, 0, 0, 1, 0, 0, 0, "不适用", 0]):
    c.text = str(v)

d.save(dst)

"""Writes a saved web page in the style of a Word-exported government article page (GBK,
navigation around the article, <o:p> and &nbsp; cells, labels split over several tags,
rowspan/colspan) holding the figures of 示例县统计局-2023.expected.json.

    python3 tests/documents/make_html.py tests/documents/示例县统计局-2023-word.html
"""
import sys

W = '<p class=MsoNormal align=center style="text-align:center"><span style="font-size:10.5pt;font-family:宋体">{}</span><span lang=EN-US><o:p></o:p></span></p>'
BLANK = [
    '<p class=MsoNormal><span lang=EN-US>&nbsp;<o:p></o:p></span></p>',
    '<p class=MsoNormal><o:p></o:p></p>',
    '<p class=MsoNormal><span>\u3000</span></p>',
]


def td(text, rs=1, cs=1):
    attrs = (f' rowspan={rs}' if rs > 1 else '') + (f' colspan={cs}' if cs > 1 else '')
    if text is None:
        inner = BLANK[td.n % 3]
        td.n += 1
    else:
        inner = W.format(text)
    return f'<td width=40{attrs} style="border:solid windowtext 1.0pt;padding:0cm 5.4pt">{inner}</td>'


td.n = 0


def split(label):
    """A label broken over several spans, the way Word writes it."""
    h = len(label) // 2
    return f'{label[:h]}</span><span style="font-family:宋体">{label[h:]}'


Z = [0] * 7
rows3 = [
    ("（三）不予公开", "1.属于国家秘密", Z),
    (None, "2.其他法律行政法规禁止公开", Z),
    (None, "3.危及“三安全一稳定”", Z),
    (None, "4.保护第三方合法权益", [1, 0, 0, 0, 0, 0, 1]),
    (None, "5.属于三类内部事务信息", Z),
    (None, "6.属于四类过程性信息", Z),
    (None, "7.属于行政执法案卷", [None] * 7),
    (None, "8.属于行政查询事项", Z),
    ("（四）无法提供", "1.本机关不掌握相关政府信息", [6, 1, 0, 0, 1, 0, 8]),
    (None, "2.没有现成信息需要另行制作", [1, 0, 0, 0, 0, 0, 1]),
    (None, "3.补正后申请内容仍不明确", Z),
    ("（五）不予处理", "1.信访举报投诉类申请", [1, 0, 0, 0, 0, 0, 1]),
    (None, "2.重复申请", [1, 0, 0, 0, 0, 0, 1]),
    (None, "3.要求提供公开出版物", Z),
    (None, "4.无正当理由大量反复申请", Z),
    (None, "5.要求行政机关确认或重新出具已获取信息", Z),
    ("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", Z),
    (None, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", Z),
    (None, "3.其他", Z),
]
groups = {"（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5, "（六）其他处理": 3}


def vals(v):
    return ''.join(td(None if x is None else str(x)) for x in v)


t3 = ['<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0>']
t3.append('<tr>' + td('（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）', 3, 3) + td('申请人情况', 1, 7) + '</tr>')
t3.append('<tr>' + td('自然人', 2) + td('法人或其他组织', 1, 5) + td('总计', 2) + '</tr>')
t3.append('<tr>' + ''.join(td(h) for h in ['商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他']) + '</tr>')
t3.append('<tr>' + td(split('一、本年新收政府信息公开申请数量'), 1, 3) + vals([30, 5, 0, 1, 2, 0, 38]) + '</tr>')
t3.append('<tr>' + td('二、上年结转政府信息公开申请数量', 1, 3) + vals([2, 0, 0, 0, 0, 0, 2]) + '</tr>')
t3.append('<tr>' + td('三、本年度办理结果', 22) + td('（一）予以公开', 1, 2) + vals([15, 2, 0, 1, 1, 0, 19]) + '</tr>')
t3.append('<tr>' + td('（二）部分公开（区分处理的，只计这一情形，不计其他情形）', 1, 2) + vals([3, 1, 0, 0, 0, 0, 4]) + '</tr>')
for g, label, v in rows3:
    cells = (td(g, groups[g]) if g else '') + td(split(label)) + vals(v)
    t3.append('<tr>' + cells + '</tr>')
t3.append('<tr>' + td('（七）总计', 1, 2) + vals([28, 4, 0, 1, 2, 0, 35]) + '</tr>')
t3.append('<tr>' + td('四、结转下年度继续办理', 1, 3) + vals([4, 1, 0, 0, 0, 0, 5]) + '</tr>')
t3.append('</table>')

t2 = ['<table class=MsoNormalTable border=1>']
def head(title):
    t2.append('<tr>' + td(title, 1, 4) + '</tr>')
head('第二十条第（一）项')
t2.append('<tr>' + ''.join(td(h) for h in ['信息内容', '本年制发件数', '本年废止件数', '现行有效件数']) + '</tr>')
t2.append('<tr>' + td('规章') + vals([0, 0, 0]) + '</tr>')
t2.append('<tr>' + td('行政规范性文件') + vals([3, 1, 12]) + '</tr>')
head('第二十条第（五）项')
t2.append('<tr>' + td('信息内容') + td('本年处理决定数量', 1, 3) + '</tr>')
t2.append('<tr>' + td('行政许可') + td('1520', 1, 3) + '</tr>')
head('第二十条第（六）项')
t2.append('<tr>' + td('信息内容') + td('本年处理决定数量', 1, 3) + '</tr>')
t2.append('<tr>' + td('行政处罚') + td('86', 1, 3) + '</tr>')
t2.append('<tr>' + td('行政强制') + td('不适用', 1, 3) + '</tr>')
head('第二十条第（八）项')
t2.append('<tr>' + td('信息内容') + td('本年收费金额（单位：万元）', 1, 3) + '</tr>')
t2.append('<tr>' + td('行政事业性收费') + td('12.5', 1, 3) + '</tr>')
t2.append('</table>')

t4 = ['<table border=1>']
t4.append('<tr>' + td('行政复议', 1, 5) + td('行政诉讼', 1, 10) + '</tr>')
t4.append('<tr>' + ''.join(td(h, 2) for h in ['结果维持', '结果纠正', '其他结果', '尚未审结', '总计']) + td('未经复议直接起诉', 1, 5) + td('复议后起诉', 1, 5) + '</tr>')
t4.append('<tr>' + ''.join(td(h) for h in ['结果维持', '结果纠正', '其他结果', '尚未审结', '总计'] * 2) + '</tr>')
t4.append('<tr>' + ''.join(td(str(x)) for x in [2, 1, 0, 1, 4, 1, 0, 0, 0, 1, 0, 0, 0, '不适用', 0]) + '</tr>')
t4.append('</table>')

page = f'''<!DOCTYPE html>
<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>示例县统计局2023年政府信息公开工作年度报告_示例县人民政府</title>
<script type="text/javascript">var nav = "首页 > 政务公开"; document.write("本年新收 99");</script>
<style>p.MsoNormal {{ margin:0cm; }}</style></head>
<body>
<div class="top-nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li>互动交流</li><li>办事服务</li></ul></div>
<div class="menu">政府信息公开指南 政府信息公开制度 法定主动公开内容 政府信息公开年报 2022年度 2021年度</div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>
<div class="main"><div class="article">
<h1>示例县统计局2023年政府信息公开工作年度报告</h1>
<div class="info">发布时间：2024-01-18 来源：示例县统计局 浏览次数：128</div>
<div class="TRS_Editor" id="zoom">
<p class=MsoNormal><!--[if !supportLists]--><span lang=EN-US>一、</span><!--[endif]--><span style="font-family:黑体">总体情况<o:p></o:p></span></p>
<p class=MsoNormal><span>2023年，示例县统计局认真贯彻落实《中华人民共和国政府信息公开条例》，</span><span>主动公开统计数据和统计公报。<o:p></o:p></span></p>
<p class=MsoNormal><span>二、主动公开政府信息情况</span></p>
{"".join(t2)}
<p class=MsoNormal><span>三、收到和处理政府信息公开申请情况</span></p>
{"".join(t3)}
<p class=MsoNormal><span>四、政府信息公开行政复议、行政诉讼情况</span></p>
{"".join(t4)}
<p class=MsoNormal><span>五、存在的主要问题及改进情况</span></p>
<p class=MsoNormal><span>下一步将继续加强统计信息公开平台建设，提高公开质量。</span></p>
<p class=MsoNormal><span>六、其他需要报告的事项</span></p>
<p class=MsoNormal><span>本年度未收取信息处理费。</span></p>
</div></div></div>
<div class="footer">主办单位：示例县人民政府办公室 网站标识码 3400000000 版权所有 联系我们 网站地图</div>
</body></html>
'''
with open(sys.argv[1], 'wb') as f:
    f.write(page.encode('gb18030'))

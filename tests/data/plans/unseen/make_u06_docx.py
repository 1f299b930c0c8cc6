"""Writes u06_nanan_category_first.docx (run once; the .docx is committed)."""
from pathlib import Path

from docx import Document

PARAS = [
    "南安市2025年度国有建设用地供应计划",
    "一、供应总量",
    "2025年度全市计划供应国有建设用地50.0000公顷，比2024年度计划减少3.5000公顷。",
    "二、供应结构与布局",
    "（一）工矿仓储用地28.5000公顷，分布于水头镇12.0000公顷、官桥镇9.5000公顷、洪濑镇7.0000公顷。",
    "（二）住宅用地14.0000公顷，分布于溪美街道8.0000公顷、柳城街道6.0000公顷。",
    "（三）商服用地5.0000公顷，分布于溪美街道3.0000公顷、水头镇2.0000公顷。",
    "（四）公共管理与公共服务用地2.5000公顷，全部安排在美林街道。",
    "三、保障措施",
    "各镇（街道）要加快征收和前期工作，确保计划地块按期供应。",
]

doc = Document()
doc.add_heading(PARAS[0], level=1)
for text in PARAS[1:]:
    doc.add_paragraph(text)
doc.save(Path(__file__).with_name("u06_nanan_category_first.docx"))

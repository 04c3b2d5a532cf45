"""The monthly Decision 766 report as an official document (Nghị định 30/2020/NĐ-CP), PDF.

Layout of an administrative document (Phụ lục I of Decree 30/2020): on the left the issuing
body under its managing body and the document number; on the right the national title and
motto, and the place and date; the document kind and title centred; the body; at the foot
the recipients (Nơi nhận) on the left and the signature block on the right. Indicator names
and formulas are in Vietnamese. Fonts: a Unicode serif found on the machine (DejaVu Serif
of Debian's ``fonts-dejavu-core``, or one named in ``IOC_REPORT_FONT_DIR``).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ioc.kpi.periods import Period
from ioc.kpi.report import UnitReport
from ioc.kpi.weights import IndicatorDef

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
FONT_FILES = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf", "I": "DejaVuSerif-Italic.ttf"}
MANAGING_BODY = "UBND TỈNH LÂM ĐỒNG"
ISSUING_BODY = ("TRUNG TÂM GIÁM SÁT, ĐIỀU HÀNH", "THÔNG MINH")
RECIPIENTS = ("- UBND tỉnh (để b/c);", "- Sở Nội vụ;", "- Văn phòng UBND tỉnh;", "- Lưu: VT, IOC.")
COUNT_VI = {
    "received": "số hồ sơ tiếp nhận",
    "published": "số hồ sơ đồng bộ lên Cổng DVC quốc gia",
    "received_on_time": "số hồ sơ tiếp nhận được giải quyết đúng hạn",
    "online": "số hồ sơ nộp trực tuyến",
    "fee_required": "số hồ sơ phải nộp phí, lệ phí",
    "paid_online": "số hồ sơ thanh toán trực tuyến",
    "digitised": "số hồ sơ được số hóa thành phần",
    "finished": "số hồ sơ đã giải quyết",
    "e_result": "số hồ sơ có kết quả điện tử",
    "result_digitised": "số kết quả được số hóa",
    "rated": "số hồ sơ được đánh giá",
    "satisfied": "số đánh giá hài lòng, rất hài lòng",
    "proc_all": "số TTHC",
    "proc_announced": "số TTHC công bố",
    "proc_announced_on_time": "số TTHC công bố đúng hạn",
    "proc_updated": "số TTHC cập nhật",
    "proc_updated_on_time": "số TTHC cập nhật đúng hạn",
    "proc_published_full": "số TTHC công khai đầy đủ",
    "proc_online": "số TTHC có DVC trực tuyến",
    "proc_online_used": "số DVC trực tuyến phát sinh hồ sơ",
    "proc_fee": "số TTHC có phí, lệ phí",
    "proc_fee_payable": "số TTHC có thanh toán trực tuyến",
    "proc_fee_paid_online": "số TTHC phát sinh thanh toán trực tuyến",
    "proc_population": "số TTHC kết nối CSDL dân cư",
    "pakn_handled": "số PAKN đã xử lý hoặc quá hạn",
    "pakn_on_time": "số PAKN xử lý đúng hạn",
    "pakn_rated": "số PAKN được đánh giá",
    "pakn_satisfied": "số đánh giá hài lòng về xử lý PAKN",
    "certified_copies": "số bản sao chứng thực",
    "certified_copies_e": "số bản sao chứng thực điện tử",
    "reusable": "số hồ sơ có dữ liệu số hóa tái sử dụng được",
    "reused": "số hồ sơ tái sử dụng dữ liệu số hóa",
    "population_used": "số hồ sơ sử dụng dữ liệu dân cư",
}
EMPTY_VI = {"zero": "0 điểm", "full": "đủ điểm", "none": "chưa có số liệu"}


class FontMissingError(RuntimeError):
    """No Unicode serif font to write Vietnamese with."""


def font_dir() -> Path:
    """The first folder holding the report's fonts."""
    for folder in (os.environ.get("IOC_REPORT_FONT_DIR", ""), *FONT_DIRS):
        if folder and all((Path(folder) / name).is_file() for name in FONT_FILES.values()):
            return Path(folder)
    raise FontMissingError("no DejaVu Serif fonts: apt-get install fonts-dejavu-core")


def formula_vi(item: IndicatorDef) -> str:
    """``6 × (số hồ sơ nộp trực tuyến ÷ số hồ sơ tiếp nhận) ÷ 50%, tối đa 6; …``."""
    top, bottom = COUNT_VI.get(item.numerator, item.numerator), COUNT_VI[item.denominator]
    cap = "" if item.full_at == 1 else f" ÷ {item.full_at:.0%}, tối đa {item.points:g}"
    text = f"{item.points:g} × ({top} ÷ {bottom}){cap}; mẫu số bằng 0: {EMPTY_VI[item.empty]}"
    return text + ("; IOC chưa có nguồn số liệu" if item.source == "none" else "")


def period_vi(period: Period) -> str:
    """``tháng 11 năm 2026``, ``quý IV năm 2026``, ``năm 2026``."""
    if period.kind == "month":
        return f"tháng {period.index} năm {period.year}"
    if period.kind == "quarter":
        return f"quý {_roman(period.index)} năm {period.year}"
    return f"năm {period.year}"


class OfficialReport(FPDF):
    """A4 portrait, margins of Decree 30 (top 20, bottom 20, left 30, right 15 mm)."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(30, 20, 15)
        self.set_auto_page_break(True, margin=20)
        folder = font_dir()
        for style, name in FONT_FILES.items():
            self.add_font("Serif", style, str(folder / name))

    def footer(self) -> None:
        if self.page_no() > 1:
            self.set_y(-15)
            self.set_font("Serif", "", 11)
            self.cell(0, 6, str(self.page_no()), align="C")


def _centred(pdf: FPDF, x: float, width: float, lines: list[tuple[str, str, float]]) -> float:
    """Lines ``(text, style, size)`` centred in a column; returns the y below them."""
    for text, style, size in lines:
        pdf.set_x(x)
        pdf.set_font("Serif", style, size)
        pdf.cell(width, 5.5, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return pdf.get_y()


def _rule(pdf: FPDF, centre: float, length: float, y: float) -> None:
    pdf.line(centre - length / 2, y + 0.5, centre + length / 2, y + 0.5)


def header(pdf: FPDF, number: str, place: str, day: date) -> None:
    """Issuing body and number (left), national title, motto, place and date (right)."""
    top, left_x, left_w, right_x, right_w = pdf.get_y(), 18.0, 72.0, 92.0, 106.0
    below_left = _centred(
        pdf,
        left_x,
        left_w,
        [(MANAGING_BODY, "", 10.5), *((line, "B", 10.5) for line in ISSUING_BODY)],
    )
    _rule(pdf, left_x + left_w / 2, 24, below_left)
    pdf.set_y(below_left + 3)
    _centred(pdf, left_x, left_w, [(f"Số: {number}", "", 11)])
    pdf.set_y(top)
    below_right = _centred(
        pdf,
        right_x,
        right_w,
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 10.5),
            ("Độc lập - Tự do - Hạnh phúc", "B", 11.5),
        ],
    )
    _rule(pdf, right_x + right_w / 2, 52, below_right)
    pdf.set_y(below_right + 3)
    when = f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    _centred(pdf, right_x, right_w, [(when, "I", 11.5)])
    pdf.set_y(max(pdf.get_y(), below_left + 9) + 8)


def title(pdf: FPDF, report: UnitReport) -> None:
    """The document kind and its title, centred."""
    period, what = report.table.period, "của"
    lines = [
        ("BÁO CÁO", "B", 13),
        ("Kết quả Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng", "B", 11.5),
        ("phục vụ người dân, doanh nghiệp (Quyết định số 766/QĐ-TTg)", "B", 11.5),
        (f"{period_vi(period)} {what} {report.title}", "B", 11.5),
    ]
    below = _centred(pdf, 30, 165, lines) + 1.5
    _rule(pdf, 30 + 165 / 2, 40, below)
    pdf.set_y(below + 6)


PREAMBLE = (
    "Căn cứ Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ phê duyệt "
    "Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp "
    "trong thực hiện thủ tục hành chính, dịch vụ công theo thời gian thực trên môi trường "
    "điện tử; Trung tâm Giám sát, điều hành thông minh báo cáo kết quả như sau:"
)


def body(pdf: FPDF, report: UnitReport) -> None:
    """Preamble, overall result, the sub-indicator table."""
    unit, score = report.unit, report.unit.score
    pdf.set_font("Serif", "", 11.5)
    pdf.multi_cell(0, 6, PREAMBLE, align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    total = "chưa có số liệu" if score.total is None else f"{score.total:.2f}/100 điểm"
    rank = f"; xếp hạng {unit.rank}/{len(report.table.units)}" if unit.rank else ""
    partial = " (kỳ chưa kết thúc, số liệu chưa đầy đủ)" if report.table.partial else ""
    if report.area:
        partial += (
            ". Số liệu tổng hợp từ hồ sơ của các phường, xã thuộc địa bàn, không phải điểm "
            "chính thức của một đơn vị hành chính"
        )
    pdf.multi_cell(
        0,
        6,
        f"1. Kết quả chung: tổng điểm {total} (trên {score.possible:g} điểm "
        f"có số liệu){rank}{partial}.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.multi_cell(0, 6, "2. Kết quả các chỉ số thành phần:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    indicator_table(pdf, report)


def indicator_table(pdf: FPDF, report: UnitReport) -> None:
    """STT, indicator, formula (Vietnamese), share, points, maximum; group totals bold."""
    pdf.set_font("Serif", "", 8.5)
    widths = (10, 50, 62, 14, 15, 14)
    with pdf.table(
        col_widths=widths,
        text_align=("CENTER", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=4.2,
        first_row_as_headings=True,
    ) as table:
        table.row(["STT", "Chỉ số", "Cách tính", "Tỷ lệ (%)", "Điểm", "Tối đa"])
        for g_index, group in enumerate(report.unit.score.groups, start=1):
            points = "–" if group.points is None else f"{group.points:.2f}"
            pdf.set_font("Serif", "B", 8.5)
            table.row(
                [
                    _roman(g_index),
                    group.definition.name_vi,
                    "",
                    "",
                    points,
                    f"{group.definition.points:g}",
                ]
            )
            pdf.set_font("Serif", "", 8.5)
            for i_index, item in enumerate(group.indicators, start=1):
                d = item.definition
                share = "" if item.share is None else f"{100 * item.share:.1f}"
                got = "chưa có số liệu" if not item.has_data else f"{item.points or 0:.2f}"
                table.row([str(i_index), d.name_vi, formula_vi(d), share, got, f"{d.points:g}"])
    pdf.ln(3)


def _roman(number: int) -> str:
    return ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")[number - 1]


def closing(pdf: FPDF) -> None:
    """Recipients on the left, the signature block on the right."""
    if pdf.get_y() > 230:
        pdf.add_page()
    top = pdf.get_y() + 4
    pdf.set_xy(30, top)
    pdf.set_font("Serif", "B", 11)
    pdf.cell(60, 6, "Nơi nhận:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Serif", "", 10)
    for line in RECIPIENTS:
        pdf.set_x(30)
        pdf.cell(60, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(top)
    _centred(pdf, 105, 90, [("GIÁM ĐỐC", "B", 12), ("(Ký, ghi rõ họ tên và đóng dấu)", "I", 11)])
    pdf.ln(22)
    _centred(pdf, 105, 90, [("……………………………", "B", 12)])


def to_pdf(
    report: UnitReport, *, day: date, number: str = "……/BC-IOC", place: str = "Lâm Đồng"
) -> bytes:
    """The report as PDF bytes, laid out as Decree 30/2020 asks."""
    pdf = OfficialReport()
    pdf.set_title(f"Báo cáo chỉ số 766 {report.title} {report.table.period}")
    pdf.add_page()
    header(pdf, number, place, day)
    title(pdf, report)
    body(pdf, report)
    closing(pdf)
    return bytes(pdf.output())

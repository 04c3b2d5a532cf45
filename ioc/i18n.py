"""The one translation table of the interface: Vietnamese by default, English on request.

Layouts never hold literal text: they call :func:`t` with a key. Every key has a text in
every language of :data:`LANGUAGES` (a unit test checks it). Placeholders use
``str.format`` names, e.g. ``t("overview.updated", lang, time="08:00")``.
"""

from __future__ import annotations

from typing import Final, Literal, TypeGuard

Language = Literal["vi", "en"]

DEFAULT_LANGUAGE: Final[Language] = "vi"
LANGUAGES: Final[tuple[Language, ...]] = ("vi", "en")

TEXTS: Final[dict[str, dict[Language, str]]] = {
    "app.title": {
        "vi": "Trung tâm Giám sát, điều hành thông minh tỉnh Lâm Đồng",
        "en": "Lâm Đồng Province Intelligent Operations Center",
    },
    "app.short_title": {"vi": "IOC Lâm Đồng", "en": "Lâm Đồng IOC"},
    "app.subtitle": {
        "vi": "Ủy ban nhân dân tỉnh Lâm Đồng",
        "en": "People's Committee of Lâm Đồng Province",
    },
    "app.language": {"vi": "Ngôn ngữ", "en": "Language"},
    "lang.vi": {"vi": "VI", "en": "VI"},
    "lang.en": {"vi": "EN", "en": "EN"},
    "page.overview": {"vi": "Tổng quan toàn tỉnh", "en": "Province overview"},
    # Navigation of the shell (ioc/web/nav.py)
    "nav.system": {"vi": "Hệ thống", "en": "System"},
    "page.system": {"vi": "Tình trạng hệ thống", "en": "System health"},
    "system.heading": {"vi": "Tiến trình tiếp nhận dữ liệu", "en": "Ingest workers"},
    "system.rejects": {
        "vi": "Bản tin bị loại trong 24 giờ qua",
        "en": "Rejected messages, last 24 hours",
    },
    "system.no_workers": {
        "vi": "Chưa có tiến trình nào báo cáo. Hãy chạy ioc ingest.",
        "en": "No worker has reported yet. Start ioc ingest.",
    },
    "system.no_rejects": {
        "vi": "Không có bản tin nào bị loại trong 24 giờ qua.",
        "en": "No message was rejected in the last 24 hours.",
    },
    "system.col.worker": {"vi": "Tiến trình", "en": "Worker"},
    "system.col.age": {"vi": "Báo cáo", "en": "Reported"},
    "system.col.reason": {"vi": "Lý do", "en": "Reason"},
    "system.col.count": {"vi": "Số bản tin", "en": "Messages"},
    "system.age": {"vi": "{seconds} giây trước", "en": "{seconds} s ago"},
    "system.counter.received": {"vi": "Đã nhận", "en": "Received"},
    "system.counter.stored": {"vi": "Đã lưu", "en": "Stored"},
    "system.counter.duplicates": {"vi": "Trùng lặp", "en": "Duplicates"},
    "system.counter.readings": {"vi": "Số đo", "en": "Readings"},
    "system.counter.db_errors": {"vi": "Lỗi CSDL", "en": "DB errors"},
    "system.counter.lag_seconds": {"vi": "Độ trễ (s)", "en": "Lag (s)"},
    "system.cameras_heading": {"vi": "Tiến trình phân tích camera", "en": "Camera workers"},
    "system.no_camera_workers": {
        "vi": "Chưa có tiến trình camera nào báo cáo. Hãy chạy ioc cameras run.",
        "en": "No camera worker has reported yet. Start ioc cameras run.",
    },
    "system.col.shard": {"vi": "Phân đoạn", "en": "Shard"},
    "system.lease_mode": {"vi": "cấp phát động", "en": "leases"},
    "system.col.cameras": {"vi": "Camera đang phân tích", "en": "Cameras analysed"},
    "system.col.analysed": {"vi": "Khung hình đã phân tích", "en": "Frames analysed"},
    "nav.overview": {"vi": "Tổng quan", "en": "Overview"},
    "nav.leader": {"vi": "Lãnh đạo", "en": "Leaders"},
    "nav.kpi": {"vi": "Chỉ số 766", "en": "KPIs"},
    "nav.reports": {"vi": "Phản ánh", "en": "Reports"},
    "nav.field": {"vi": "Hiện trường", "en": "Field"},
    "nav.wall": {"vi": "Màn hình tường", "en": "Wall"},
    # Citizen reports (ioc/pages/reports.py, layers/reports.py)
    "page.reports": {"vi": "Phản ánh hiện trường", "en": "Citizen field reports"},
    "reports.unit_nearest": {
        "vi": "Đơn vị gần nhất (điểm không nằm trong ranh giới đơn vị nào)",
        "en": "Nearest unit (the point lies in no unit's boundary)",
    },
    "reports.status.received": {"vi": "Mới tiếp nhận", "en": "Received"},
    "reports.status.assigned": {"vi": "Đã giao xử lý", "en": "Assigned"},
    "reports.status.in_progress": {"vi": "Đang xử lý", "en": "In progress"},
    "reports.status.resolved": {"vi": "Đã xử lý", "en": "Resolved"},
    "reports.status.rejected": {"vi": "Từ chối", "en": "Rejected"},
    "reports.status.duplicate": {"vi": "Trùng lặp", "en": "Duplicate"},
    "reports.status.reopened": {"vi": "Mở lại", "en": "Reopened"},
    "reports.action.assigned": {"vi": "Giao xử lý", "en": "Assign"},
    "reports.action.in_progress": {"vi": "Đến hiện trường", "en": "On site"},
    "reports.action.resolved": {"vi": "Hoàn thành", "en": "Resolve"},
    "reports.action.rejected": {"vi": "Từ chối", "en": "Reject"},
    "reports.action.duplicate": {"vi": "Trùng", "en": "Duplicate"},
    "reports.action.reopened": {"vi": "Mở lại", "en": "Reopen"},
    "reports.layer": {"vi": "Phản ánh của người dân", "en": "Citizen reports"},
    "reports.layer.cell": {
        "vi": "{count} phản ánh, {open} chưa xong",
        "en": "{count} reports, {open} open",
    },
    "reports.filter.unit": {"vi": "Đơn vị", "en": "Unit"},
    "reports.filter.category": {"vi": "Lĩnh vực", "en": "Category"},
    "reports.filter.status": {"vi": "Trạng thái", "en": "Status"},
    "reports.filter.all": {"vi": "Tất cả", "en": "All"},
    "reports.empty": {
        "vi": "Chưa có phản ánh nào phù hợp với bộ lọc.",
        "en": "No report matches the filters.",
    },
    "reports.col.id": {"vi": "Số", "en": "No."},
    "reports.col.category": {"vi": "Lĩnh vực", "en": "Category"},
    "reports.col.place": {"vi": "Nơi phản ánh", "en": "Place"},
    "reports.col.status": {"vi": "Trạng thái", "en": "Status"},
    "reports.col.received": {"vi": "Tiếp nhận lúc", "en": "Received at"},
    "reports.col.sla": {"vi": "Thời hạn", "en": "Deadline"},
    "reports.col.actions": {"vi": "Chuyển trạng thái", "en": "Move to"},
    "reports.sla.onsite": {"vi": "Đến hiện trường còn {time}", "en": "On site within {time}"},
    "reports.sla.result": {"vi": "Báo kết quả còn {time}", "en": "Result within {time}"},
    "reports.sla.overdue": {"vi": "Quá hạn {time}", "en": "Overdue by {time}"},
    "reports.sla.done": {"vi": "Đã kết thúc", "en": "Closed"},
    "reports.escalated": {"vi": "Đã chuyển cấp trên", "en": "Escalated"},
    "reports.kpi.title": {"vi": "Chỉ số 30 ngày qua", "en": "Last 30 days"},
    "reports.kpi.received": {"vi": "Tiếp nhận", "en": "Received"},
    "reports.kpi.on_time": {"vi": "Xử lý đúng hạn", "en": "Resolved on time"},
    "reports.kpi.first_response": {
        "vi": "Đến hiện trường (trung vị)",
        "en": "Time to site (median)",
    },
    "reports.kpi.resolution": {
        "vi": "Thời gian xử lý (trung vị)",
        "en": "Time to resolve (median)",
    },
    "reports.kpi.overdue": {"vi": "Đang quá hạn", "en": "Overdue now"},
    "reports.kpi.satisfaction": {"vi": "Mức độ hài lòng", "en": "Satisfaction"},
    "reports.kpi.top": {"vi": "Lĩnh vực nhiều nhất", "en": "Top categories"},
    "reports.kpi.none": {"vi": "chưa có", "en": "none yet"},
    "reports.hours": {"vi": "{value} giờ", "en": "{value} h"},
    "reports.list": {"vi": "Danh sách phản ánh", "en": "Reports"},
    "status.online": {"vi": "Trực tuyến", "en": "Online"},
    "status.offline": {"vi": "Mất kết nối", "en": "Offline"},
    "status.alarm": {"vi": "Báo động", "en": "Alarm"},
    "overview.cameras": {"vi": "Camera giám sát", "en": "Surveillance cameras"},
    "overview.count.online": {"vi": "Hoạt động", "en": "Online"},
    "overview.count.offline": {"vi": "Mất kết nối", "en": "Offline"},
    "overview.count.alarm": {"vi": "Báo động", "en": "In alarm"},
    "overview.alarms": {"vi": "Camera đang báo động", "en": "Cameras in alarm"},
    "overview.no_alarms": {
        "vi": "Không có camera nào đang báo động",
        "en": "No camera is in alarm",
    },
    "overview.more_alarms": {"vi": "và {count} camera khác", "en": "and {count} more"},
    "overview.updated": {"vi": "Cập nhật lúc {time}", "en": "Updated at {time}"},
    "overview.detected": {"vi": "Phát hiện lúc {time}", "en": "Detected at {time}"},
    "overview.show_districts": {
        "vi": "Hiện ranh giới huyện (trước 01/07/2025)",
        "en": "Show district boundaries (before 1 July 2025)",
    },
    "overview.units_legend": {"vi": "Xã, phường", "en": "Communes and wards"},
    "overview.districts_legend": {
        "vi": "Huyện (trước 01/07/2025)",
        "en": "Districts (before 1 July 2025)",
    },
    "overview.map_label": {
        "vi": "Bản đồ camera và địa giới hành chính tỉnh Lâm Đồng",
        "en": "Map of cameras and administrative units of Lâm Đồng",
    },
    # Control room: overview layers, unit IOC, wall display, leader view (ioc/pages/*)
    "page.unit": {"vi": "IOC đơn vị", "en": "Unit IOC"},
    "page.wall": {"vi": "Màn hình tường", "en": "Wall display"},
    "page.leader": {"vi": "Điều hành của lãnh đạo", "en": "Leader view"},
    "common.loading": {"vi": "Đang tải dữ liệu…", "en": "Loading…"},
    "common.error": {
        "vi": "Không đọc được dữ liệu ({reason}). Trang sẽ tự thử lại sau ít giây.",
        "en": "Could not read the data ({reason}). The page retries by itself.",
    },
    "common.no_data": {"vi": "chưa có dữ liệu", "en": "no data yet"},
    "common.error_reload": {
        "vi": "Không đọc được dữ liệu ({reason}). Hãy tải lại trang sau ít phút.",
        "en": "Could not read the data ({reason}). Reload the page in a few minutes.",
    },
    "common.db_unreachable": {
        "vi": "không kết nối được cơ sở dữ liệu",
        "en": "the database cannot be reached",
    },
    # Unit scope inside pages and callbacks (ioc/auth/guard.py, ioc/pages/access.py)
    "access.denied": {
        "vi": "Không có quyền xem hoặc thao tác với dữ liệu này.",
        "en": "You have no permission to see or change this.",
    },
    "access.province_only": {
        "vi": "Không có quyền: trang này chỉ dành cho tài khoản cấp tỉnh.",
        "en": "No permission: this page is for province-wide accounts only.",
    },
    "access.actor": {"vi": "Người thực hiện: {name}", "en": "Acting as: {name}"},
    "field.scope": {
        "vi": "Sự cố của đơn vị {unit} và sự cố giao cho bạn",
        "en": "Incidents of unit {unit} and those assigned to you",
    },
    "incident.error.forbidden": {
        "vi": "không có quyền với sự cố này",
        "en": "no permission for this incident",
    },
    "reports.done": {
        "vi": "Đã chuyển phản ánh số {id} sang: {status}",
        "en": "Report {id} moved to: {status}",
    },
    "reports.failed": {
        "vi": "Không thực hiện được với phản ánh số {id}: {reason}",
        "en": "Could not change report {id}: {reason}",
    },
    "reports.error.forbidden": {
        "vi": "không có quyền với phản ánh này",
        "en": "no permission for this report",
    },
    "reports.error.not_allowed": {
        "vi": "bước này không hợp lệ ở trạng thái hiện tại",
        "en": "this step is not allowed in the current status",
    },
    "reports.error.unknown": {"vi": "không tìm thấy phản ánh", "en": "no such report"},
    "reports.error.no_reason": {"vi": "cần ghi lý do", "en": "a reason is needed"},
    "reports.error.no_assignee": {
        "vi": "cần chọn cơ quan hoặc cán bộ xử lý",
        "en": "an agency or officer is needed",
    },
    "reports.error.no_original": {
        "vi": "cần số của phản ánh gốc (khác phản ánh này)",
        "en": "the number of the original report (not this one) is needed",
    },
    "reports.note.assigned": {"vi": "Giao cho: {name}", "en": "Assigned to: {name}"},
    "reports.note.duplicate": {
        "vi": "Trùng với phản ánh #{id}",
        "en": "Duplicate of report #{id}",
    },
    "reports.link.duplicate_of": {"vi": "Trùng với #{id}", "en": "Duplicate of #{id}"},
    "reports.link.duplicates": {"vi": "Có phản ánh trùng: {ids}", "en": "Duplicates: {ids}"},
    "reports.decision.title": {"vi": "Phản ánh #{id}: {step}", "en": "Report #{id}: {step}"},
    "reports.decision.confirm": {"vi": "Xác nhận: {step}", "en": "Confirm: {step}"},
    "reports.decision.cancel": {"vi": "Hủy", "en": "Cancel"},
    "reports.decision.reason": {"vi": "Lý do (bắt buộc)", "en": "Reason (required)"},
    "reports.decision.note": {"vi": "Ghi chú", "en": "Note"},
    "reports.decision.original": {
        "vi": "Trùng với phản ánh số",
        "en": "Duplicate of report number",
    },
    "reports.decision.assignee": {"vi": "Giao cho", "en": "Assign to"},
    "reports.decision.assignee_pick": {
        "vi": "Chọn cơ quan hoặc cán bộ",
        "en": "Pick an agency or officer",
    },
    "reports.minutes": {"vi": "{value} phút", "en": "{value} min"},
    "metric.label": {"vi": "Tô màu đơn vị theo", "en": "Colour units by"},
    "metric.total": {"vi": "Chỉ số 766 – tổng điểm", "en": "Decision 766 – total"},
    "metric.cameras": {"vi": "Số camera", "en": "Number of cameras"},
    "metric.fallback": {
        "vi": "Chưa có hồ sơ TTHC trong kỳ: tô màu theo số camera",
        "en": "No dossiers in the period: coloured by number of cameras",
    },
    "layers.label": {"vi": "Lớp bản đồ", "en": "Map layers"},
    "layer.cameras": {"vi": "Camera", "en": "Cameras"},
    "layer.incidents": {"vi": "Sự cố", "en": "Incidents"},
    "layer.reports": {"vi": "Phản ánh", "en": "Reports"},
    "layer.sensors": {"vi": "Trạm quan trắc", "en": "Sensor stations"},
    "layer.cones": {"vi": "Hướng quan sát camera", "en": "Camera view"},
    "layer.incidents.name": {"vi": "Sự cố đang mở", "en": "Open incidents"},
    "sensor.hover.time": {"vi": "Đo lúc", "en": "Measured at"},
    "incident.hover.opened": {"vi": "Phát hiện", "en": "Detected"},
    "card.index": {"vi": "Chỉ số 766", "en": "Decision 766"},
    "card.index.area": {
        "vi": "Chỉ số 766 (tổng hợp địa bàn)",
        "en": "Decision 766 (area aggregate)",
    },
    "kpi.area.note": {
        "vi": "Tổng hợp từ hồ sơ của {count} phường, xã thuộc địa bàn; không phải điểm chính thức "
        "của một đơn vị hành chính.",
        "en": "Aggregated from the records of the area's {count} wards and communes; not an "
        "official unit score.",
    },
    "kpi.area.ranking": {
        "vi": "Xếp hạng phường, xã của địa bàn",
        "en": "Ranking of the area's wards and communes",
    },
    "kpi.unit.rank": {
        "vi": "Xếp hạng {rank}/{count} đơn vị toàn tỉnh",
        "en": "Rank {rank} of {count} units in the province",
    },
    "kpi.partial": {"vi": "chưa hết kỳ", "en": "partial"},
    "kpi.area.short": {"vi": "tổng hợp địa bàn", "en": "area aggregate"},
    "kpi.possible": {
        "vi": "trên {points} điểm có số liệu",
        "en": "out of the {points} points with data",
    },
    "kpi.no_data.source": {"vi": "chưa có số liệu", "en": "no data"},
    "card.incidents": {"vi": "Sự cố đang mở", "en": "Open incidents"},
    "card.reports": {"vi": "Phản ánh chưa xong", "en": "Open reports"},
    "card.overdue": {"vi": "Phản ánh quá hạn", "en": "Overdue reports"},
    "card.cameras": {"vi": "Camera hoạt động", "en": "Cameras online"},
    "panel.province": {"vi": "Toàn tỉnh", "en": "Province"},
    "panel.incidents": {"vi": "Sự cố mới nhất", "en": "Latest incidents"},
    "panel.ranking": {"vi": "Xếp hạng đơn vị", "en": "Ranking of units"},
    "incidents.empty": {
        "vi": "Không có sự cố nào đang mở",
        "en": "No open incident",
    },
    "incidents.more": {"vi": "và {count} sự cố khác", "en": "and {count} more"},
    "ranking.empty": {
        "vi": "Chưa có số liệu để xếp hạng trong kỳ này",
        "en": "Nothing to rank in this period yet",
    },
    "unit.back": {"vi": "← Toàn tỉnh", "en": "← Province"},
    "unit.not_found": {
        "vi": "Không tìm thấy đơn vị mã {code}. Hãy chọn đơn vị từ bảng xếp hạng.",
        "en": "No unit with code {code}. Pick a unit from the ranking.",
    },
    "unit.kpis": {"vi": "Chỉ số 766 – 6 tháng gần nhất", "en": "Decision 766 – last 6 months"},
    "unit.cameras": {"vi": "Camera của đơn vị", "en": "Cameras of the unit"},
    "unit.no_cameras": {"vi": "Đơn vị chưa có camera nào", "en": "The unit has no camera"},
    "unit.no_snapshot": {"vi": "Chưa có ảnh chụp", "en": "No snapshot yet"},
    "unit.snapshot_alt": {"vi": "Ảnh mới nhất của camera {name}", "en": "Latest picture of {name}"},
    "unit.reports": {"vi": "Phản ánh đang xử lý", "en": "Open citizen reports"},
    "unit.no_reports": {
        "vi": "Không có phản ánh nào đang chờ xử lý",
        "en": "No citizen report is waiting",
    },
    "unit.incidents": {"vi": "Sự cố của đơn vị", "en": "Incidents of the unit"},
    "sla.left": {"vi": "còn {time}", "en": "{time} left"},
    "sla.over": {"vi": "quá hạn {time}", "en": "{time} overdue"},
    "sla.none": {"vi": "chưa đặt hạn", "en": "no deadline"},
    "sla.onsite": {"vi": "Có mặt", "en": "On site"},
    "sla.result": {"vi": "Kết quả", "en": "Result"},
    "wall.panel.map": {"vi": "Bản đồ điều hành", "en": "Operations map"},
    "wall.panel.status": {"vi": "Sự cố và camera", "en": "Incidents and cameras"},
    "wall.panel.ranking": {"vi": "Chỉ số phục vụ người dân", "en": "Public-service index"},
    "wall.updated": {"vi": "Dữ liệu lúc {time}", "en": "Data at {time}"},
    "wall.new_incident": {"vi": "SỰ CỐ MỚI", "en": "NEW INCIDENT"},
    "wall.ticker_empty": {
        "vi": "Không có sự cố mới – hệ thống hoạt động bình thường",
        "en": "No new incident – all systems normal",
    },
    "leader.heading": {"vi": "Bảng điều hành của lãnh đạo", "en": "Leader dashboard"},
    "leader.kind": {"vi": "Kỳ so sánh", "en": "Compare by"},
    "leader.kind.week": {"vi": "Tuần", "en": "Week"},
    "leader.sort": {"vi": "Xếp hạng theo", "en": "Rank by"},
    "leader.export": {"vi": "Xuất bảng CSV", "en": "Export CSV"},
    "leader.trend": {"vi": "Diễn biến 8 kỳ gần nhất", "en": "Last 8 periods"},
    "leader.best": {"vi": "Dẫn đầu", "en": "Top"},
    "leader.worst": {"vi": "Cuối bảng", "en": "Bottom"},
    "leader.open_unit": {"vi": "Mở IOC đơn vị", "en": "Open unit IOC"},
    "leader.period": {"vi": "Kỳ {period}", "en": "Period {period}"},
    "leader.no_data": {
        "vi": "Chưa có hồ sơ TTHC nào trong kỳ này nên chưa xếp hạng được",
        "en": "No dossier in this period yet, so nothing to rank",
    },
    "camera.hover.unit": {"vi": "Đơn vị", "en": "Unit"},
    "camera.hover.status": {"vi": "Trạng thái", "en": "Status"},
    "camera.hover.heartbeat": {"vi": "Tín hiệu cuối", "en": "Last heartbeat"},
    "camera.hover.detection": {"vi": "Phát hiện cuối", "en": "Last detection"},
    "camera.never": {"vi": "chưa có", "en": "never"},
    "camera.no_unit": {"vi": "chưa xác định", "en": "unknown"},
    # Public-service KPIs (Decision 766/QĐ-TTg): ioc/pages/kpi.py, ioc/kpi/report.py
    "page.kpi": {"vi": "Chỉ số phục vụ người dân, doanh nghiệp", "en": "Public-service KPIs"},
    "kpi.heading": {
        "vi": "Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)",
        "en": "Public-service index (Decision 766/QĐ-TTg)",
    },
    "kpi.period_kind": {"vi": "Kỳ báo cáo", "en": "Period"},
    "kpi.kind.month": {"vi": "Tháng", "en": "Month"},
    "kpi.kind.quarter": {"vi": "Quý", "en": "Quarter"},
    "kpi.kind.year": {"vi": "Năm", "en": "Year"},
    "kpi.era": {"vi": "Đơn vị hành chính", "en": "Administrative units"},
    "kpi.era.pre2025": {
        "vi": "Huyện, thành phố (trước 01/07/2025)",
        "en": "Districts (before 1 July 2025)",
    },
    "kpi.era.post2025": {
        "vi": "Xã, phường (từ 01/07/2025)",
        "en": "Communes and wards (from 1 July 2025)",
    },
    "kpi.province": {"vi": "Toàn tỉnh", "en": "Whole province"},
    "kpi.total": {"vi": "Tổng điểm", "en": "Total"},
    "kpi.rank": {"vi": "Xếp hạng", "en": "Rank"},
    "kpi.change": {"vi": "Thay đổi so với kỳ trước", "en": "Change vs previous period"},
    "kpi.unit": {"vi": "Đơn vị", "en": "Unit"},
    "kpi.dossiers": {"vi": "Hồ sơ tiếp nhận", "en": "Dossiers received"},
    "kpi.no_data": {"vi": "Chưa có dữ liệu", "en": "No data"},
    "kpi.ranking": {"vi": "Xếp hạng đơn vị", "en": "Ranking of units"},
    "kpi.trend": {"vi": "Diễn biến tổng điểm", "en": "Total over time"},
    "kpi.drill": {"vi": "Chi tiết đơn vị", "en": "Unit details"},
    "kpi.drill.placeholder": {
        "vi": "Chọn một đơn vị để xem chi tiết",
        "en": "Choose a unit to see its details",
    },
    "kpi.report.link": {"vi": "Báo cáo tháng (in)", "en": "Monthly report (print)"},
    "kpi.download.csv": {"vi": "Tải CSV", "en": "Download CSV"},
    "kpi.download.xlsx": {"vi": "Tải Excel", "en": "Download Excel"},
    "kpi.download.pdf": {
        "vi": "Tải PDF (văn bản theo Nghị định 30/2020)",
        "en": "Download PDF (official layout, Decree 30/2020)",
    },
    "kpi.report.col.group": {"vi": "Nhóm chỉ số", "en": "Group"},
    "kpi.report.col.name": {"vi": "Chỉ số thành phần", "en": "Sub-indicator"},
    "kpi.report.col.formula": {"vi": "Công thức", "en": "Formula"},
    "kpi.report.col.share": {"vi": "Tỷ lệ (%)", "en": "Share (%)"},
    "kpi.report.col.points": {"vi": "Điểm", "en": "Points"},
    "kpi.report.col.max": {"vi": "Điểm tối đa", "en": "Max points"},
    "kpi.report.group_total": {"vi": "Cộng nhóm", "en": "Group total"},
    "kpi.report.title": {
        "vi": "Báo cáo chỉ số phục vụ: {unit}, kỳ {period}",
        "en": "Public-service index report: {unit}, {period}",
    },
    "kpi.report.subtitle": {
        "vi": "Tính từ hồ sơ TTHC theo Quyết định 766/QĐ-TTg (xem docs/kpi.md)",
        "en": "Computed from dossier records after Decision 766/QĐ-TTg (see docs/kpi.md)",
    },
    "kpi.print": {"vi": "In báo cáo", "en": "Print"},
    "kpi.indicators": {"vi": "Chỉ số chuyển đổi số", "en": "Digital-transformation indicators"},
    "kpi.trend.unit": {"vi": "Đơn vị đã chọn", "en": "Selected unit"},
    # Incidents, field page and alert messages (ioc/incidents, ioc/notify, ioc/pages/field.py)
    "page.field": {"vi": "Sự cố hiện trường", "en": "Field incidents"},
    "field.heading": {"vi": "Sự cố đang mở", "en": "Open incidents"},
    "field.unit": {"vi": "Đơn vị: {unit}", "en": "Unit: {unit}"},
    "field.all_units": {"vi": "Tất cả đơn vị", "en": "All units"},
    "field.empty": {
        "vi": "Hiện không có sự cố nào cần xử lý. Trang tự cập nhật khi có sự cố mới.",
        "en": "No open incident right now. This page updates itself when one comes in.",
    },
    "field.no_snapshot": {"vi": "Chưa có ảnh hiện trường", "en": "No picture yet"},
    "field.snapshot_alt": {"vi": "Ảnh sự cố số {id}", "en": "Picture of incident {id}"},
    "field.opened": {"vi": "Phát hiện lúc {time}", "en": "Detected at {time}"},
    "field.place": {"vi": "Vị trí: {lat}, {lon}", "en": "Location: {lat}, {lon}"},
    "field.directions": {"vi": "Chỉ đường", "en": "Directions"},
    "field.map": {"vi": "Xem bản đồ", "en": "Open map"},
    "field.assignee": {"vi": "Người xử lý: {name}", "en": "Assigned to: {name}"},
    "field.note": {"vi": "Ghi chú hiện trường", "en": "Field note"},
    "field.photo": {"vi": "Chụp / chọn ảnh hiện trường", "en": "Take / choose a field photo"},
    "field.photo_ready": {"vi": "Đã chọn ảnh", "en": "Photo attached"},
    "field.done": {
        "vi": "Đã ghi nhận: {action} sự cố số {id}",
        "en": "Recorded: {action}, incident {id}",
    },
    "field.error": {"vi": "Không thực hiện được: {reason}", "en": "Could not do it: {reason}"},
    "field.members": {"vi": "{count} lần ghi nhận", "en": "{count} sightings"},
    "incident.action.acknowledge": {"vi": "Tiếp nhận", "en": "Acknowledge"},
    "incident.action.dispatch": {"vi": "Điều động", "en": "Dispatch"},
    "incident.action.resolve": {"vi": "Đã xử lý xong", "en": "Resolved"},
    "incident.action.false_alarm": {"vi": "Báo động giả", "en": "False alarm"},
    "incident.action.reopen": {"vi": "Mở lại", "en": "Reopen"},
    "incident.action.note": {"vi": "Ghi chú", "en": "Note"},
    "incident.status.new": {"vi": "Mới", "en": "New"},
    "incident.status.acknowledged": {"vi": "Đã tiếp nhận", "en": "Acknowledged"},
    "incident.status.dispatched": {"vi": "Đã điều động", "en": "Dispatched"},
    "incident.status.resolved": {"vi": "Đã xử lý", "en": "Resolved"},
    "incident.status.false_alarm": {"vi": "Báo động giả", "en": "False alarm"},
    "incident.severity.critical": {"vi": "Khẩn cấp", "en": "Critical"},
    "incident.severity.high": {"vi": "Cao", "en": "High"},
    "incident.severity.medium": {"vi": "Trung bình", "en": "Medium"},
    "incident.severity.low": {"vi": "Thấp", "en": "Low"},
    "incident.error.unknown_incident": {"vi": "không tìm thấy sự cố", "en": "no such incident"},
    "incident.error.not_allowed": {
        "vi": "trạng thái hiện tại không cho phép",
        "en": "not allowed in the current status",
    },
    "incident.error.no_assignee": {"vi": "cần ghi tên người xử lý", "en": "an assignee is needed"},
    "incident.error.no_reason": {
        "vi": "cần ghi lý do (báo động giả)",
        "en": "a reason is needed (false alarm)",
    },
    "incident.error.bad_assignee": {
        "vi": "người hoặc đội được chọn không thuộc đơn vị của sự cố",
        "en": "the chosen officer or team is not of the incident's unit",
    },
    "common.simulated": {"vi": "mô phỏng", "en": "simulated"},
    "desk.open": {"vi": "Xử lý", "en": "Act"},
    "desk.title": {"vi": "Xử lý sự cố #{id}: {title}", "en": "Incident #{id}: {title}"},
    "desk.assignee": {"vi": "Điều động cho", "en": "Dispatch to"},
    "desk.assignee_pick": {"vi": "Chọn cán bộ hoặc đội", "en": "Pick an officer or team"},
    "desk.note": {
        "vi": "Ghi chú (bắt buộc nêu lý do khi báo động giả)",
        "en": "Note (a false alarm needs its reason)",
    },
    "desk.team": {"vi": "Đội {name}", "en": "Team {name}"},
    "desk.nobody": {
        "vi": "Đơn vị chưa có cán bộ hiện trường nào để điều động",
        "en": "The unit has no field officer to dispatch",
    },
    "incident.error.no_actor": {"vi": "chưa rõ người thực hiện", "en": "who acted is unknown"},
    "incident.error.unknown_action": {"vi": "thao tác không hợp lệ", "en": "unknown action"},
    "incident.error.bad_photo": {
        "vi": "ảnh phải là JPEG hoặc PNG, tối đa 5 MB",
        "en": "the photo must be a JPEG or PNG of at most 5 MB",
    },
    "notify.subject": {
        "vi": "[IOC Lâm Đồng] {severity}: {title} (sự cố số {id})",
        "en": "[Lâm Đồng IOC] {severity}: {title} (incident {id})",
    },
    "notify.prefix.escalation": {"vi": "CHƯA AI TIẾP NHẬN - ", "en": "NOT ACKNOWLEDGED - "},
    "notify.prefix.reminder": {"vi": "NHẮC LẠI - ", "en": "REMINDER - "},
    "notify.prefix.dispatch": {"vi": "ĐIỀU ĐỘNG - ", "en": "DISPATCHED - "},
    "notify.line.assignee": {"vi": "Giao cho: {name}", "en": "Assigned to: {name}"},
    "notify.line.severity": {"vi": "Mức độ: {severity}", "en": "Severity: {severity}"},
    "notify.line.time": {
        "vi": "Thời điểm: {time} (giờ Việt Nam)",
        "en": "Time: {time} (Vietnam time)",
    },
    "notify.line.place": {"vi": "Vị trí: {lat}, {lon}", "en": "Location: {lat}, {lon}"},
    "notify.line.map": {"vi": "Bản đồ: {url}", "en": "Map: {url}"},
    "notify.line.geo": {"vi": "Chỉ đường: {uri}", "en": "Directions: {uri}"},
    "notify.line.snapshot": {"vi": "Ảnh hiện trường: {url}", "en": "Picture: {url}"},
    "notify.line.ack": {"vi": "Tiếp nhận xử lý: {url}", "en": "Acknowledge: {url}"},
    "notify.level.1": {
        "vi": "Chuyển cấp: lãnh đạo đơn vị (chưa có người tiếp nhận)",
        "en": "Escalated to the unit leader (nobody acknowledged)",
    },
    "notify.level.2": {
        "vi": "Chuyển cấp: trực ban tỉnh (chưa có người tiếp nhận)",
        "en": "Escalated to the province duty officer (nobody acknowledged)",
    },
    # Sign-in (ioc/web/login.py, ioc/web/plain_pages.py) and the shell's user badge
    "auth.login.title": {"vi": "Đăng nhập", "en": "Sign in"},
    "auth.login.heading": {"vi": "Đăng nhập hệ thống", "en": "Sign in to the IOC"},
    "auth.login.username": {"vi": "Tên đăng nhập", "en": "User name"},
    "auth.login.password": {"vi": "Mật khẩu", "en": "Password"},
    "auth.login.submit": {"vi": "Đăng nhập", "en": "Sign in"},
    "auth.login.other_language": {"vi": "English", "en": "Tiếng Việt"},
    "auth.login.bad": {
        "vi": "Sai tên đăng nhập hoặc mật khẩu.",
        "en": "Wrong user name or password.",
    },
    "auth.login.limited": {
        "vi": "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.",
        "en": "Too many failed sign-ins. Please try again in {minutes} min.",
    },
    "auth.login.stale_form": {
        "vi": "Biểu mẫu đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
        "en": "The sign-in form has expired. Please sign in again.",
    },
    "auth.kiosk.unknown": {
        "vi": "Mã màn hình không hợp lệ, đã hết hạn hoặc đã bị thu hồi.",
        "en": "This display token is not valid, has expired or was revoked.",
    },
    "auth.kiosk.signed_in": {
        "vi": "Trình duyệt này đang đăng nhập với tài khoản {name}. Hãy đăng xuất trước khi "
        "dùng mã màn hình tường.",
        "en": "This browser is signed in as {name}. Sign out before opening a wall-display token.",
    },
    "auth.signed_in_as": {"vi": "Người dùng", "en": "Signed in"},
    "auth.sign_out": {"vi": "Đăng xuất", "en": "Sign out"},
    "auth.forbidden.title": {"vi": "Không có quyền truy cập", "en": "Access denied"},
    "auth.forbidden.text": {
        "vi": "Tài khoản của bạn không được phép xem trang này.",
        "en": "Your account may not open this page.",
    },
    "auth.sign_in_needed": {
        "vi": "Vui lòng đăng nhập để tiếp tục.",
        "en": "Please sign in to continue.",
    },
    "auth.csrf": {
        "vi": "Yêu cầu không hợp lệ (thiếu mã chống giả mạo). Vui lòng tải lại trang.",
        "en": "Request refused (missing or wrong CSRF token). Please reload the page.",
    },
    "role.admin": {"vi": "Quản trị", "en": "Administrator"},
    "role.leader": {"vi": "Lãnh đạo", "en": "Leader"},
    "role.operator": {"vi": "Vận hành", "en": "Operator"},
    "role.field": {"vi": "Hiện trường", "en": "Field staff"},
    "role.viewer": {"vi": "Xem", "en": "Viewer"},
    "role.kiosk": {"vi": "Màn hình tường", "en": "Wall display"},
    # Error pages (ioc/web/errors.py)
    "error.home": {"vi": "Về trang chính", "en": "Back to the start page"},
    "error.400": {"vi": "Yêu cầu không hợp lệ.", "en": "Bad request."},
    "error.401": {"vi": "Vui lòng đăng nhập.", "en": "Please sign in."},
    "error.403": {"vi": "Không có quyền truy cập.", "en": "Access denied."},
    "error.404": {"vi": "Không tìm thấy trang.", "en": "Page not found."},
    "error.405": {"vi": "Phương thức không được hỗ trợ.", "en": "Method not allowed."},
    "error.413": {"vi": "Dữ liệu gửi lên quá lớn.", "en": "Upload too large."},
    "error.429": {
        "vi": "Quá nhiều yêu cầu. Vui lòng thử lại sau.",
        "en": "Too many requests. Please try again later.",
    },
    "error.503": {
        "vi": "Vui lòng thử lại sau ít phút; trang sẽ hoạt động lại khi cơ sở dữ liệu sẵn sàng.",
        "en": "Please try again in a few minutes; pages work again once the database is back.",
    },
    "error.500": {
        "vi": "Hệ thống gặp lỗi. Sự cố đã được ghi lại; vui lòng thử lại sau.",
        "en": "Something went wrong. It has been logged; please try again later.",
    },
    "error.other": {"vi": "Không thể xử lý yêu cầu.", "en": "The request could not be handled."},
    # --- h20-lgsp ---
    "system.connectors_heading": {
        "vi": "Nguồn dữ liệu kết nối (LGSP)",
        "en": "Connected sources (LGSP)",
    },
    "system.no_connectors": {
        "vi": "Chưa có nguồn kết nối nào chạy (ioc connectors run)",
        "en": "No connector source has run yet (ioc connectors run)",
    },
    "system.col.source": {"vi": "Nguồn", "en": "Source"},
    "system.col.cursor": {"vi": "Con trỏ", "en": "Cursor"},
    "system.col.stored": {"vi": "Đã lưu", "en": "Stored"},
    "system.col.dead_letters": {"vi": "Bản ghi lỗi", "en": "Dead letters"},
    "system.col.last_ok": {"vi": "Lần lấy được gần nhất", "en": "Last good poll"},
    "system.col.last_error": {"vi": "Lỗi gần nhất", "en": "Last error"},
    "system.never": {"vi": "chưa lần nào", "en": "never"},
    "system.connector_letters": {
        "vi": "Bản ghi không ánh xạ được (mới nhất)",
        "en": "Records that could not be mapped (newest)",
    },
    "system.col.record": {"vi": "Mã bản ghi", "en": "Record id"},
    "system.col.received": {"vi": "Thời điểm", "en": "When"},
}


def is_language(value: object) -> TypeGuard[Language]:
    """Whether ``value`` names a language of the interface."""
    return value in LANGUAGES


def language_or_default(value: object) -> Language:
    """``value`` if it is a known language, else Vietnamese."""
    return value if is_language(value) else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text of ``key`` in ``lang`` (Vietnamese for an unknown language).

    An unknown key raises ``KeyError``: a missing translation is a bug, not a blank label.
    """
    text = TEXTS[key][language_or_default(lang)]
    return text.format(**values) if values else text

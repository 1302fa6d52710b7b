"""Quasar's own words where its Korean pack reads unnaturally ("1 개가 선택 되었습니다.",
"페이지 당 개수:", "1-50 중 1234"): one wording on every table, set once for every page."""

from nicegui import app

# runs in the page right after NiceGUI has set Quasar's ko-KR pack (app.config.vue_config_script)
TABLE_TEXTS = r"""
        (() => {
          const pack = Quasar.lang.props;
          const count = (n) => Number(n).toLocaleString("ko-KR");
          Quasar.lang.set({...pack, table: {...pack.table,
            recordsPerPage: "페이지당 행 수:",
            selectedRecords: (rows) => (rows > 0 ? `${count(rows)}건 선택` : "선택한 행 없음"),
            pagination: (start, end, total) => `${count(start)}-${count(end)} / 전체 ${count(total)}건`,
          }});
        })();
"""


def register() -> None:
    if TABLE_TEXTS not in app.config.vue_config_script:
        app.config.vue_config_script += TABLE_TEXTS

"""Quasar's own words where its Korean pack reads unnaturally ("1 개가 선택 되었습니다.",
"페이지 당 개수:", "1-50 중 1234"): one wording on every table, set once for every page; and a
field's character counter as "5 / 20,000자" instead of Quasar's bare "5 / 20000"."""

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
          // Quasar writes a field's counter as "5 / 20000" and has no option for its format:
          // rewrite each counter text it writes (it writes again only when the count changes)
          const counterPattern = /^(\d+) \/ (\d+)$/;
          const reword = (counter) => {
            const found = counterPattern.exec(counter.textContent.trim());
            if (found) counter.textContent = `${count(found[1])} / ${count(found[2])}자`;
          };
          const counterOf = (node) => {
            const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
            return element && element.classList && element.classList.contains("q-field__counter")
              ? element
              : null;
          };
          new MutationObserver((records) => {
            for (const record of records) {
              const counter = counterOf(record.target);
              if (counter) reword(counter);
              for (const added of record.addedNodes) {
                if (added.nodeType !== Node.ELEMENT_NODE) continue;
                if (added.classList.contains("q-field__counter")) reword(added);
                else added.querySelectorAll(".q-field__counter").forEach(reword);
              }
            }
          }).observe(document.documentElement, { subtree: true, childList: true, characterData: true });
        })();
"""


def register() -> None:
    if TABLE_TEXTS not in app.config.vue_config_script:
        app.config.vue_config_script += TABLE_TEXTS

// NiceGUI's editor.js, with two changes:
// 1. A value written by the server replaces the content only when the server had seen every edit
//    made in this browser when it wrote it ("seen" >= "sent"). Otherwise the user has typed since,
//    and the server's value was computed from an older body: we keep what the user typed and tell
//    the server ("refused"), which then takes the browser's content.
// 2. QEditor's keyboard shortcuts (Ctrl+B, Ctrl+I, Ctrl+U…) first put the caret back where it was
//    saved on the last "selectionchange" event. That event comes late on a busy machine, so a
//    shortcut pressed right after a keystroke moved the caret back before that keystroke (text
//    typed next landed in the wrong place, and the bold was lost). We save the caret as it is
//    now, before QEditor handles the key.
export default {
  template: `
    <q-editor ref="qRef" v-model="inputValue">
      <template v-for="(_, slot) in $slots" v-slot:[slot]="slotProps">
        <slot :name="slot" v-bind="slotProps || {}" />
      </template>
    </q-editor>
  `,
  props: {
    value: String,
    seen: Number,
  },
  data() {
    return {
      inputValue: this.value,
      emitting: true,
      sent: 0,
    };
  },
  mounted() {
    this.$el.addEventListener("keydown", this.saveCaret, true);
    this.$el.addEventListener("input", this.saveCaret, true);
  },
  beforeUnmount() {
    this.$el.removeEventListener("keydown", this.saveCaret, true);
    this.$el.removeEventListener("input", this.saveCaret, true);
    const element = mounted_app.elements[this.$el.id.slice(1)];
    if (element) element.props.value = this.inputValue;
  },
  watch: {
    value() {
      this.updateValue();
    },
    inputValue(newValue) {
      if (!this.emitting) return;
      this.sent += 1;
      this.$emit("update:value", newValue);
    },
  },
  methods: {
    saveCaret() {
      const caret = this.$refs.qRef?.caret;
      const selection = document.getSelection();
      if (!caret || !selection || selection.rangeCount === 0) return;
      if (caret.el.contains(selection.anchorNode) && caret.el.contains(selection.focusNode)) {
        caret.save(selection.getRangeAt(0).cloneRange());
      }
    },
    updateValue() {
      if (this.inputValue === this.value) return;
      if ((this.seen ?? 0) < this.sent) {
        this.$emit("refused", { sent: this.sent, value: this.inputValue });
        return;
      }
      this.emitting = false;
      this.inputValue = this.value;
      this.$nextTick(() => (this.emitting = true));
    },
  },
};

"""nbconvert preprocessor that executes notebooks on the Deno kernel without losing outputs.

nbclient treats a cell as finished when the kernel publishes `status: idle` on IOPub. The Deno
kernel (checked with Deno 2.9.6) sometimes publishes a cell's `execute_result`, `display_data`
or `stream` messages a millisecond or so *after* that idle message (measured: 17 of 100 cells
returning an SVG, 62 of 100 cells that print and display). Plain `jupyter nbconvert --execute`
then silently drops those outputs. This subclass keeps reading IOPub after the idle message until
no message for the cell has arrived for a short grace period (`late_output_grace`, 0.1 s by
default: about 60 times the lateness measured here).

When the kernel dies during a cell (a `Deno.exit()` in the cell, a crash in native code), nbclient
only raises "Kernel died". This subclass then writes a short report to stderr, between the
markers `DEAD_KERNEL_BEGIN` and `DEAD_KERNEL_END`: the cell's index, its source and the last
output it produced, which `run_notebooks.ts` shows instead of the Python traceback.

It also merges consecutive `stream` outputs of a cell (the Deno kernel sends one message per
`console.log`), as Jupyter's own front ends display them, which keeps the stored notebook small.

Used by `run_notebooks.ts`:

    PYTHONPATH=notebooks jupyter nbconvert --to notebook \
        --Exporter.preprocessors=nbconvert_deno.DenoExecutePreprocessor ... nb.ipynb
"""

import sys
from queue import Empty

from jupyter_core.utils import ensure_async
from nbclient.exceptions import CellExecutionComplete, DeadKernelError
from nbconvert.preprocessors import ExecutePreprocessor
from traitlets import Bool, Float


class DenoExecutePreprocessor(ExecutePreprocessor):
    """ExecutePreprocessor that waits for IOPub messages published after `status: idle`."""

    enabled = Bool(True).tag(config=True)

    late_output_grace = Float(
        0.1,
        help="Seconds to keep collecting a cell's outputs after the kernel reported idle.",
    ).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            report_dead_kernel(getattr(self, "nb", None), cell, index)
            raise
        merged = []
        for out in cell.get("outputs", []):
            last = merged[-1] if merged else None
            if (
                out.get("output_type") == "stream"
                and last is not None
                and last.get("output_type") == "stream"
                and last.get("name") == out.get("name")
            ):
                last["text"] += out["text"]
            else:
                merged.append(out)
        if "outputs" in cell:
            cell.outputs = merged
        return cell, resources

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        assert self.kc is not None
        idle_seen = False
        while True:
            timeout = self.late_output_grace if idle_seen else None
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=timeout))
            except Empty:
                return  # quiet for the whole grace period: the cell is complete
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                idle_seen = True


def last_output(cell, limit=2000):
    """The text of a cell's last output (stream text, error or plain-text result), shortened;
    None when it has none."""
    for out in reversed(cell.get("outputs", [])):
        kind = out.get("output_type")
        if kind == "stream":
            text = out.get("text", "")
        elif kind == "error":
            text = "\n".join(out.get("traceback", [])) or f"{out.get('ename')}: {out.get('evalue')}"
        else:
            text = out.get("data", {}).get("text/plain", "")
        if isinstance(text, list):
            text = "".join(text)
        if text.strip():
            return text[-limit:].rstrip()
    return None


def report_dead_kernel(nb, cell, index):
    """Writes the dead-kernel report that run_notebooks.ts looks for on stderr. The last output
    is the dying cell's, or an earlier cell's when the kernel died before sending any (output
    printed just before `Deno.exit()` is often lost with the process)."""
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(source)
    output, where = last_output(cell), index
    cells = nb.cells if nb is not None else []
    for k in range(min(index, len(cells)) - 1, -1, -1):
        if output is not None:
            break
        output, where = last_output(cells[k]), k
    lines = [
        "DEAD_KERNEL_BEGIN",
        f"the kernel died while running cell {index} (counting from 0), e.g. Deno.exit() "
        "or a crash in native code",
        "cell source:",
        source.rstrip(),
        f"last output (cell {where}):" if output is not None else "last output: (none)",
        output if output is not None else "",
        "DEAD_KERNEL_END",
    ]
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()

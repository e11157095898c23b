"""nbconvert preprocessor that executes notebooks on the Deno kernel without losing outputs.

nbclient treats a cell as finished when the kernel publishes `status: idle` on IOPub. The Deno
kernel (checked with Deno 2.9.6) sometimes publishes a cell's `execute_result`, `display_data`
or `stream` messages a millisecond or so *after* that idle message (measured: 17 of 100 cells
returning an SVG, 62 of 100 cells that print and display). Plain `jupyter nbconvert --execute`
then silently drops those outputs. This subclass keeps reading IOPub after the idle message until
no message for the cell has arrived for a short grace period (`late_output_grace`, 0.1 s by
default: about 60 times the lateness measured here).

It also merges consecutive `stream` outputs of a cell (the Deno kernel sends one message per
`console.log`), as Jupyter's own front ends display them, which keeps the stored notebook small.

Used by `run_notebooks.ts`:

    PYTHONPATH=notebooks jupyter nbconvert --to notebook \
        --Exporter.preprocessors=nbconvert_deno.DenoExecutePreprocessor ... nb.ipynb
"""

from queue import Empty

from jupyter_core.utils import ensure_async
from nbclient.exceptions import CellExecutionComplete
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
        cell, resources = super().preprocess_cell(cell, resources, index)
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

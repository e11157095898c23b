# Prints the "prng" and "uniform_stream_block_sums" sections of tests/fixtures/reference/001_reference_numbers.json
# as JSON: NumPy's Generator(PCG64(SeedSequence(12345))) test vectors and sums of the fresh default_rng(12345)
# uniform stream over the index ranges the assignment's weight inits use; needs numpy (1.24.2 for the fixture;
# these streams are the same in every NumPy since 1.17).
import json
import numpy as np

ss = np.random.SeedSequence(12345)
bg = np.random.PCG64(12345)
st = bg.state["state"]
raw = np.random.PCG64(12345).random_raw(5)
prng = {
    "generator": "numpy.random.default_rng(12345) = Generator(PCG64(SeedSequence(12345)))",
    "pcg64_state_after_seeding": {"state": str(st["state"]), "inc": str(st["inc"])},
    "seedsequence_generate_state_4_uint64": [str(v) for v in ss.generate_state(4, np.uint64)],
    "first_5_raw_uint64": [str(v) for v in raw],
    "first_12_uniform": np.random.default_rng(12345).random(12).tolist(),
    "first_6_normal": np.random.default_rng(12345).normal(0, 1, 6).tolist(),
    "integers_2_size5": np.random.default_rng(12345).integers(2, size=5).tolist(),
}
u = np.random.default_rng(12345).random(8320)
sums = {f"{a}_{b}": float(u[a:b].sum()) for a, b in [(0, 2048), (2048, 2080), (2080, 4160), (4160, 6240), (6240, 8320)]}
sums.update({f"u[{i}]": float(u[i]) for i in [2079, 2080, 4160, 6240, 8319]})
print(json.dumps({"prng": prng, "uniform_stream_block_sums": sums}, indent=1))

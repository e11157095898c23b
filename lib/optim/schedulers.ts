/**
 * Learning-rate schedules that change an optimizer's `lr` between epochs, and an early-stopping
 * helper.
 *
 * @module
 */
import { checkPositive, type Optimizer } from "./optimizer.ts";

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Epochs between reductions. */
  stepSize: number;
  /** Factor applied at each reduction (default 0.1). */
  gamma?: number;
}

function positiveInt(op: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) {
    throw new RangeError(`${op}: ${name} must be an integer >= 1, got ${v}`);
  }
  return v;
}

function nonNegativeInt(op: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0) {
    throw new RangeError(`${op}: ${name} must be an integer >= 0, got ${v}`);
  }
  return v;
}

function nonNegative(op: string, name: string, v: number): number {
  if (!(v >= 0) || !Number.isFinite(v)) {
    throw new RangeError(`${op}: ${name} must be a finite number >= 0, got ${v}`);
  }
  return v;
}

/**
 * Multiplies the rate by `gamma` every `stepSize` epochs (`step()` at the end of each epoch), as
 * PyTorch's `StepLR`: `lr = baseLr * gamma^floor(epoch / stepSize)`, computed by repeated
 * multiplication like PyTorch so the rates match to the last bit.
 */
export class StepLR {
  /** The optimizer whose `lr` is set. */
  readonly optimizer: Optimizer;
  /** Epochs between reductions. */
  readonly stepSize: number;
  /** Reduction factor. */
  readonly gamma: number;
  /** The learning rate at epoch 0. */
  readonly baseLr: number;
  /** Epochs completed. */
  epoch: number = 0;

  /** Schedules `optimizer` from its current `lr`. */
  constructor(optimizer: Optimizer, options: StepLROptions) {
    this.optimizer = optimizer;
    this.stepSize = positiveInt("StepLR", "stepSize", options.stepSize);
    this.gamma = checkPositive("StepLR", "gamma", options.gamma ?? 0.1);
    this.baseLr = optimizer.lr;
  }

  /** Ends an epoch; returns the new learning rate. */
  step(): number {
    this.epoch++;
    if (this.epoch % this.stepSize === 0) this.optimizer.lr *= this.gamma;
    return this.optimizer.lr;
  }
}

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions {
  /** Factor per step. */
  gamma: number;
}

/**
 * Multiplies the rate by `gamma` at every `step()`, as PyTorch's `ExponentialLR`: after t steps
 * `lr = baseLr * gamma^t` (assignment 001's `step_size * decay**t`, up to rounding).
 */
export class ExponentialLR {
  /** The optimizer whose `lr` is set. */
  readonly optimizer: Optimizer;
  /** Factor per step. */
  readonly gamma: number;
  /** The learning rate before the first step. */
  readonly baseLr: number;
  /** Calls of `step()` so far. */
  epoch: number = 0;

  /** Schedules `optimizer` from its current `lr`. */
  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    this.optimizer = optimizer;
    if (options?.gamma === undefined) {
      throw new TypeError("ExponentialLR: pass the factor per step, e.g. {gamma: 0.95}");
    }
    this.gamma = checkPositive("ExponentialLR", "gamma", options.gamma);
    this.baseLr = optimizer.lr;
  }

  /** Advances one step; returns the new learning rate. */
  step(): number {
    this.epoch++;
    this.optimizer.lr *= this.gamma;
    return this.optimizer.lr;
  }
}

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** Multiply the rate by this on a plateau (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Minimum improvement (default 1e-4). */
  threshold?: number;
  /** `"rel"`: better than best * (1 - threshold) (default); `"abs"`: better than best - threshold. */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound of the rate (default 0). */
  minLr?: number;
}

/**
 * PyTorch's `ReduceLROnPlateau` in "min" mode: call `step(loss)` once per epoch; after more than
 * `patience` epochs without improvement the rate is multiplied by `factor`.
 */
export class ReduceLROnPlateau {
  /** The optimizer whose `lr` is reduced. */
  readonly optimizer: Optimizer;
  /** Reduction factor. */
  readonly factor: number;
  /** Epochs tolerated without improvement. */
  readonly patience: number;
  /** Minimum improvement. */
  readonly threshold: number;
  /** How `threshold` is applied. */
  readonly thresholdMode: "rel" | "abs";
  /** Epochs of cooldown after a reduction. */
  readonly cooldown: number;
  /** Lower bound of the rate. */
  readonly minLr: number;
  /** Best metric so far. */
  best: number = Infinity;
  /** Consecutive epochs without improvement. */
  numBadEpochs: number = 0;
  #cooldownCounter = 0;

  /** Watches `optimizer`; see {@link ReduceLROnPlateauOptions}. */
  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    this.optimizer = optimizer;
    this.factor = options.factor ?? 0.1;
    if (!(this.factor > 0 && this.factor < 1)) {
      throw new RangeError(`ReduceLROnPlateau: factor must be in (0, 1), got ${this.factor}`);
    }
    const op = "ReduceLROnPlateau";
    this.patience = nonNegativeInt(op, "patience", options.patience ?? 10);
    this.threshold = nonNegative(op, "threshold", options.threshold ?? 1e-4);
    this.thresholdMode = options.thresholdMode ?? "rel";
    if (this.thresholdMode !== "rel" && this.thresholdMode !== "abs") {
      throw new RangeError(
        `${op}: thresholdMode must be "rel" or "abs", got "${this.thresholdMode}"`,
      );
    }
    this.cooldown = nonNegativeInt(op, "cooldown", options.cooldown ?? 0);
    this.minLr = nonNegative(op, "minLr", options.minLr ?? 0);
  }

  #isBetter(metric: number): boolean {
    return this.thresholdMode === "rel"
      ? metric < this.best * (1 - this.threshold)
      : metric < this.best - this.threshold;
  }

  /** Records one epoch's metric; returns true when the rate was reduced. */
  step(metric: number): boolean {
    if (Number.isNaN(metric)) throw new RangeError("ReduceLROnPlateau.step: the metric is NaN");
    if (this.#isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.#cooldownCounter > 0) {
      this.#cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.#cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
      const old = this.optimizer.lr;
      const next = Math.max(old * this.factor, this.minLr);
      if (old - next > 1e-8) {
        this.optimizer.lr = next;
        return true;
      }
    }
    return false;
  }
}

/** Options of {@link EarlyStopping}. */
export interface EarlyStoppingOptions {
  /** Stop once `counter` reaches this (default 5). */
  patience?: number;
  /** The improvement that counts (default 0). */
  minDelta?: number;
  /**
   * How epochs are counted:
   * - `"min-delta"` (default, Keras): a loss below `best - minDelta` resets the counter, any
   *   other epoch increments it;
   * - `"near-best"` (assignment 000's MLP v2): a loss below `best` (by any amount) resets it; a
   *   loss within `minDelta` above the best increments it; a loss worse by more leaves it alone.
   */
  rule?: "min-delta" | "near-best";
}

/**
 * Counts epochs without improvement of a loss; `step(loss)` returns true when training should stop.
 * The `counter` is public so a schedule can react to it too (000 halves the rate while
 * `counter >= patience / 2`).
 */
export class EarlyStopping {
  /** Epoch count that stops training. */
  readonly patience: number;
  /** Improvement threshold. */
  readonly minDelta: number;
  /** Counting rule. */
  readonly rule: "min-delta" | "near-best";
  /** Best loss so far. */
  best: number = Infinity;
  /** Epochs counted without improvement. */
  counter: number = 0;
  /** Whether `step` has returned true. */
  stopped: boolean = false;

  /** See {@link EarlyStoppingOptions}. */
  constructor(options: EarlyStoppingOptions = {}) {
    this.patience = positiveInt("EarlyStopping", "patience", options.patience ?? 5);
    this.minDelta = nonNegative("EarlyStopping", "minDelta", options.minDelta ?? 0);
    this.rule = options.rule ?? "min-delta";
    if (this.rule !== "min-delta" && this.rule !== "near-best") {
      throw new RangeError(
        `EarlyStopping: rule must be "min-delta" or "near-best", got "${this.rule}"`,
      );
    }
  }

  /** Records one epoch's loss; returns true once `counter >= patience`. */
  step(loss: number): boolean {
    if (Number.isNaN(loss)) throw new RangeError("EarlyStopping.step: the loss is NaN");
    if (this.rule === "near-best") {
      if (loss < this.best) {
        this.best = loss;
        this.counter = 0;
      } else if (Math.abs(loss - this.best) <= this.minDelta) {
        this.counter++;
      }
    } else if (loss < this.best - this.minDelta) {
      this.best = loss;
      this.counter = 0;
    } else {
      this.counter++;
    }
    this.stopped = this.counter >= this.patience;
    return this.stopped;
  }
}

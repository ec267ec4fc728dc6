"""Training per-channel window models (PyTorch, optional dependency) and exporting ONNX.

Architectures (`TrainConfig.architecture`):

- `forecaster` (the committed models): telemanom's idea in a scheduling
  window. Each of the window's newest rows (20..29, one stride) gets a
  forecast of its telemetry value from the CONTEXT rows before it (all 25
  columns) and the row's own command flags, by one small MLP shared across
  rows (20 x 25 + 24 -> 64 -> 64 -> 1). Its per-row score is the squared
  forecast error; rows without a full context score 0. A forecaster learns the
  channel's dynamics; a reconstruction of the whole window mostly learns to
  copy it (measured in the README).
- `ensemble`: the forecaster beside a long-context GRU (the value column in,
  32 units), which forecasts each row's value from the values of every row
  before it in the window's context (GRU_CONTEXT rows before the window, sent by the scheduler:
  a fresh row has 250-259 rows behind it) and the row's command flags. Its
  score is the product of the two models' absolute errors (the square of
  their geometric mean): a record is surprising only where both are
  surprised. The GRU trains on 500-row chunks of the same 80 %, scoring rows
  after a 50-row burn-in.
- `autoencoder`: the earlier window autoencoder (750 -> 64 -> 16 -> 64 ->
  750), kept for the comparison.

Trained on the first 80 % of the channel's `train` array. The model's
`threshold` is its normal error level: the largest smoothed error (the
detector's own smoothing) on the held-out last 20 % of `train`, squared into
score units (for `ensemble`, the geometric mean of its two models' levels).
The online detector uses it as a floor under its pruning. The test array and
its labels are never read here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from satmon_detection import model_repository as repo
from satmon_detection.detector import DetectorConfig, smooth_errors
from satmon_detection.smap import load_channel
from satmon_detection.windows import STRIDE, WINDOW_SIZE, per_record, sliding_windows, window_starts, with_context

__all__ = ["TrainConfig", "train_channel"]

COMMAND_WEIGHT = 0.01
CONTEXT = WINDOW_SIZE - STRIDE  # rows of history behind each forecast row
# The long-context GRU (architecture `ensemble`): rows before the window it reads, its size, and how
# it trains (chunks of the training array, the first BURN_IN rows of each only warming it up).
GRU_CONTEXT, GRU_HIDDEN, GRU_CHUNK, GRU_CHUNK_STEP, GRU_BURN_IN, GRU_EPOCHS, GRU_LEARNING_RATE = (
    230, 32, 500, 25, 50, 30, 3e-3)
# The GRU reads the telemetry value (column 0) of every row; the row's command flags enter its output
# layer for that row only. So the scheduler sends the rows before a window as their value alone
# (the mission database's telemetry parameters: 4 bytes a row instead of 100), and reading the value
# alone measured better than reading all 25 columns (README).
GRU_READS = 1


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 7
    epochs: int = 30
    hidden: int = 64
    latent: int = 16
    learning_rate: float = 1e-3
    batch_size: int = 64
    weight_decay: float = 1e-5
    holdout_fraction: float = 0.2
    architecture: str = "forecaster"  # or "ensemble", "horizon", "autoencoder" (compared in the README)

    @property
    def window_model(self) -> str:
        """The architecture of the model over the window itself (an ensemble's is the forecaster)."""
        return "forecaster" if self.architecture == "ensemble" else self.architecture


def _build_model(torch, features: int, config: TrainConfig):
    nn = torch.nn
    weights = torch.full((features,), COMMAND_WEIGHT)
    weights[0] = 1.0

    class WindowForecaster(nn.Module):
        """Forecasts the telemetry value of each of the window's newest STRIDE rows."""

        def __init__(self) -> None:
            super().__init__()
            self.net = nn.Sequential(nn.Linear(CONTEXT * features + features - 1, config.hidden), nn.GELU(),
                                     nn.Linear(config.hidden, config.hidden), nn.GELU(), nn.Linear(config.hidden, 1))

        def forecast(self, context, commands):
            """context (N, CONTEXT, F), commands (N, F-1) -> forecast value (N,)."""
            return self.net(torch.cat([context.flatten(1), commands], dim=1)).squeeze(-1)

        def forward(self, window):
            batch = window.shape[0]
            context = window.unfold(1, CONTEXT, 1)[:, :STRIDE].permute(0, 1, 3, 2)  # (B, STRIDE, CONTEXT, F)
            newest = window[:, CONTEXT:]
            forecast = self.forecast(context.reshape(batch * STRIDE, CONTEXT, features),
                                     newest[..., 1:].reshape(batch * STRIDE, features - 1)).reshape(batch, STRIDE)
            # The prediction is the window with forecast values in the newest rows (command flags are
            # known inputs, not predictions); the score is the squared forecast error there, 0 elsewhere.
            predicted_newest = torch.cat([forecast.unsqueeze(-1), newest[..., 1:]], dim=-1)
            reconstruction = torch.cat([window[:, :CONTEXT], predicted_newest], dim=1)
            score = torch.cat([torch.zeros_like(window[:, :CONTEXT, 0]), (newest[..., 0] - forecast) ** 2], dim=1)
            return reconstruction, score

    class HorizonForecaster(nn.Module):
        """Forecasts the telemetry value of all STRIDE newest rows at once from the CONTEXT rows before
        them and the newest rows' command flags: row 20 + h is an (h + 1)-step-ahead forecast, so a
        drift the one-step forecaster follows row by row still shows as error."""

        def __init__(self) -> None:
            super().__init__()
            self.net = nn.Sequential(nn.Linear(CONTEXT * features + STRIDE * (features - 1), config.hidden),
                                     nn.GELU(), nn.Linear(config.hidden, config.hidden), nn.GELU(),
                                     nn.Linear(config.hidden, STRIDE))

        def forecast(self, context, commands):
            """context (N, CONTEXT, F), commands (N, STRIDE, F-1) -> forecast values (N, STRIDE)."""
            return self.net(torch.cat([context.flatten(1), commands.flatten(1)], dim=1))

        def forward(self, window):
            newest = window[:, CONTEXT:]
            forecast = self.forecast(window[:, :CONTEXT], newest[..., 1:])
            predicted_newest = torch.cat([forecast.unsqueeze(-1), newest[..., 1:]], dim=-1)
            reconstruction = torch.cat([window[:, :CONTEXT], predicted_newest], dim=1)
            score = torch.cat([torch.zeros_like(window[:, :CONTEXT, 0]), (newest[..., 0] - forecast) ** 2], dim=1)
            return reconstruction, score

    class WindowAutoencoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            size = WINDOW_SIZE * features
            self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(size, config.hidden), nn.GELU(),
                                         nn.Linear(config.hidden, config.latent))
            self.decoder = nn.Sequential(nn.Linear(config.latent, config.hidden), nn.GELU(),
                                         nn.Linear(config.hidden, size))
            self.register_buffer("weights", weights)

        def forward(self, window):
            reconstruction = self.decoder(self.encoder(window)).reshape(-1, WINDOW_SIZE, features)
            score = ((window - reconstruction) ** 2 * self.weights).sum(dim=-1)
            return reconstruction, score

    return {"forecaster": WindowForecaster, "horizon": HorizonForecaster,
            "autoencoder": WindowAutoencoder}[config.window_model]()


def _gru_forecaster(torch, features: int, reads: int | None):
    class GRUForecaster(torch.nn.Module):
        """Output t forecasts row t + 1's telemetry value from rows ..t (their first `reads` columns,
        all when None) and row t + 1's command flags."""

        def __init__(self) -> None:
            super().__init__()
            self.gru = torch.nn.GRU(reads or features, GRU_HIDDEN, batch_first=True)
            self.head = torch.nn.Linear(GRU_HIDDEN + features - 1, 1)

        def encode(self, rows):
            """The hidden state after each row."""
            return self.gru(rows if reads is None else rows[..., :reads])[0]

        def forward(self, rows, next_commands):
            return self.head(torch.cat([self.encode(rows), next_commands], dim=-1)).squeeze(-1)

    return GRUForecaster()


def fit_gru(torch, train: np.ndarray, seed: int, reads: int | None = None):
    """The long-context GRU on the first 80 % of `train`, the epoch with the lowest error on the rest
    kept. `reads`: the GRU reads only each row's first columns (1: SMAP's telemetry value; measured
    as a way to send less context, not served)."""
    torch.manual_seed(seed)
    split = int(len(train) * 0.8)
    fit, held = torch.from_numpy(train[:split]), torch.from_numpy(train[split:])
    starts = range(0, max(1, len(fit) - GRU_CHUNK), GRU_CHUNK_STEP)
    chunks = torch.stack([fit[s:s + GRU_CHUNK] for s in starts]) if len(fit) > GRU_CHUNK else fit[None]
    model = _gru_forecaster(torch, train.shape[1], reads)
    optimiser = torch.optim.Adam(model.parameters(), lr=GRU_LEARNING_RATE)
    best, best_state = np.inf, None
    for _ in range(GRU_EPOCHS):
        order = torch.randperm(len(chunks))  # torch's generator, seeded above
        for b in range(0, len(chunks), 32):
            batch = chunks[order[b:b + 32]]
            loss = ((model(batch[:, :-1], batch[:, 1:, 1:])[:, GRU_BURN_IN:] - batch[:, 1 + GRU_BURN_IN:, 0]) ** 2).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        with torch.no_grad():
            forecast = model(held[None, :-1], held[None, 1:, 1:])[0, GRU_BURN_IN:]
            val = ((forecast - held[1 + GRU_BURN_IN:, 0]) ** 2).mean().item() if len(held) > GRU_BURN_IN + 2 else loss.item()
        if val < best:
            best, best_state = val, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    model.eval()
    return model


def _gru_scores(torch, gru, values: np.ndarray) -> np.ndarray:
    """The GRU's squared error of every record as it is served: in the scheduler's windows, each with
    its GRU_CONTEXT rows before it."""
    starts = window_starts(len(values))
    rows = torch.from_numpy(with_context(values, starts, WINDOW_SIZE, GRU_CONTEXT).copy())
    with torch.no_grad():
        forecast = torch.cat([gru(chunk[:, :-1], chunk[:, 1:, 1:])[:, GRU_CONTEXT - 1:] for chunk in rows.split(256)])
    scores = ((rows[:, GRU_CONTEXT:, 0] - forecast) ** 2).numpy()
    return per_record(starts, scores, len(values))


def _ensemble(torch, forecaster, gru):
    class ContextEnsemble(torch.nn.Module):
        """Input: GRU_CONTEXT rows and then the window's WINDOW_SIZE rows. Output: the forecaster's
        reconstruction of the window, and per window row the product of the two models' absolute
        errors (0 where the forecaster scores none)."""

        def __init__(self) -> None:
            super().__init__()
            self.forecaster, self.gru = forecaster, gru

        def forward(self, rows):
            window = rows[:, GRU_CONTEXT:]
            reconstruction, forecaster_score = self.forecaster(window)
            # The GRU's forecast of each window row, from every row before it in the input.
            gru_forecast = self.gru(rows[:, :-1], rows[:, 1:, 1:])[:, GRU_CONTEXT - 1:]
            gru_score = (window[..., 0] - gru_forecast) ** 2
            return reconstruction, torch.sqrt(forecaster_score * gru_score)

    return ContextEnsemble()


def _forecast_frames(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every row with a full context: (context rows, the row's command flags, its telemetry value)."""
    features = values.shape[1]
    contexts = np.lib.stride_tricks.sliding_window_view(values, (CONTEXT, features))[:-1, 0]
    return contexts.copy(), values[CONTEXT:, 1:].copy(), values[CONTEXT:, 0].copy()


def _per_row_scores(torch, model, values: np.ndarray, config: TrainConfig) -> np.ndarray:
    """Per-row scores of a whole array, as the pipeline produces them (0 where no score exists)."""
    with torch.no_grad():
        if config.window_model == "forecaster":
            contexts, commands, target = _forecast_frames(values)
            forecast = model.forecast(torch.from_numpy(contexts), torch.from_numpy(commands)).numpy()
            return np.concatenate([np.zeros(CONTEXT), (target - forecast) ** 2])
        if config.architecture == "horizon":  # as the scheduler cuts windows: each row scored once, fresh
            scores = model(torch.from_numpy(sliding_windows(values).copy()))[1].numpy()
            return per_record(window_starts(len(values)), scores, len(values))
        windows = np.lib.stride_tricks.sliding_window_view(values, (WINDOW_SIZE, values.shape[1]))[:, 0]
        scores = model(torch.from_numpy(windows.copy()))[1].numpy()
        return np.concatenate([scores[0], scores[1:, -1]])  # each row scored as the newest of its window


def train_channel(channel: str, out_root: Path, config: TrainConfig = TrainConfig(), data_root: Path | None = None) -> dict:
    import torch

    torch.manual_seed(config.seed)
    np.random.seed(config.seed)
    torch.use_deterministic_algorithms(True)
    train, _ = load_channel(channel, data_root)  # test split deliberately unused
    features = train.shape[1]
    if config.window_model == "forecaster":
        inputs = [torch.from_numpy(a) for a in _forecast_frames(train)]
    else:
        windows = np.lib.stride_tricks.sliding_window_view(train, (WINDOW_SIZE, features))[:, 0].copy()
        inputs = [torch.from_numpy(windows)]
    split = int(len(inputs[0]) * (1 - config.holdout_fraction))
    model = _build_model(torch, features, config)

    def loss_of(batch: list) -> "torch.Tensor":
        if config.window_model == "forecaster":
            context, commands, target = batch
            return ((model.forecast(context, commands) - target) ** 2).mean()
        if config.architecture == "horizon":
            return model(batch[0])[1][:, CONTEXT:].mean()
        return model(batch[0])[1].mean()

    optimiser = torch.optim.Adam(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    generator = torch.Generator().manual_seed(config.seed)
    best_state, best_loss = None, float("inf")
    holdout = [t[split:] for t in inputs]
    for _ in range(config.epochs):
        model.train()
        order = torch.randperm(split, generator=generator)
        for i in range(0, split, config.batch_size):
            loss = loss_of([t[order[i:i + config.batch_size]] for t in inputs])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        model.eval()
        with torch.no_grad():
            val = loss_of(holdout).item() if len(holdout[0]) else loss.item()
        if val < best_loss:
            best_loss, best_state = val, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    model.eval()
    # The normal error level: the detector's smoothing over the held-out rows (never fitted on).
    normal_error = _normal_error(_per_row_scores(torch, model, train, config), config)
    context = 0
    if config.architecture == "ensemble":
        gru = fit_gru(torch, train, config.seed, GRU_READS)
        normal_error = float(np.sqrt(normal_error * _normal_error(_gru_scores(torch, gru, train), config)))
        model, context = _ensemble(torch, model, gru).eval(), GRU_CONTEXT
    threshold = normal_error ** 2
    name = repo.model_name(channel)
    model_dir = out_root / name
    (model_dir / "1").mkdir(parents=True, exist_ok=True)
    torch.onnx.export(model, (torch.zeros(1, context + WINDOW_SIZE, features),), str(model_dir / "1" / "model.onnx"),
                      input_names=[repo.INPUT_NAME], output_names=[repo.RECONSTRUCTION_NAME, repo.SCORE_NAME],
                      dynamic_axes={repo.INPUT_NAME: {0: "batch"}, repo.RECONSTRUCTION_NAME: {0: "batch"},
                                    repo.SCORE_NAME: {0: "batch"}},
                      opset_version=17, dynamo=False)
    summary = {"channel": channel, "threshold": threshold, "normal_error": normal_error, "holdout_loss": best_loss,
               "train_examples": int(len(inputs[0])), "config": config.__dict__}
    (model_dir / "config.pbtxt").write_text(repo.render_config(
        name, WINDOW_SIZE, features, threshold, context=context, extra=
        {"channel": channel, "architecture": f"window-{config.architecture}", "seed": str(config.seed),
         "threshold_rule": "squared largest smoothed error on the held-out 20 % of train"}))
    (model_dir / "training.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    return summary


def _normal_error(scores: np.ndarray, config: TrainConfig) -> float:
    """The largest smoothed error (the detector's smoothing) over the held-out last part of `train`."""
    held_out = smooth_errors(scores, DetectorConfig().smoothing_span)[-int(len(scores) * config.holdout_fraction):]
    return float(held_out.max())

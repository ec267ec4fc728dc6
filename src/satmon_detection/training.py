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
- `autoencoder`: the earlier window autoencoder (750 -> 64 -> 16 -> 64 ->
  750), kept for the comparison.

Trained on the first 80 % of the channel's `train` array. The model's
`threshold` is its normal error level: the largest smoothed error (the
detector's own smoothing) on the held-out last 20 % of `train`, squared into
score units. The online detector uses it as a floor under its pruning. The
test array and its labels are never read here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from satmon_detection import model_repository as repo
from satmon_detection.detector import DetectorConfig, smooth_errors
from satmon_detection.smap import load_channel
from satmon_detection.windows import STRIDE, WINDOW_SIZE, fresh_rows, sliding_windows, window_starts

__all__ = ["TrainConfig", "train_channel"]

COMMAND_WEIGHT = 0.01
CONTEXT = WINDOW_SIZE - STRIDE  # rows of history behind each forecast row


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
    architecture: str = "forecaster"  # or "autoencoder" (compared in the README)


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
            "autoencoder": WindowAutoencoder}[config.architecture]()


def _forecast_frames(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every row with a full context: (context rows, the row's command flags, its telemetry value)."""
    features = values.shape[1]
    contexts = np.lib.stride_tricks.sliding_window_view(values, (CONTEXT, features))[:-1, 0]
    return contexts.copy(), values[CONTEXT:, 1:].copy(), values[CONTEXT:, 0].copy()


def _per_row_scores(torch, model, values: np.ndarray, config: TrainConfig) -> np.ndarray:
    """Per-row scores of a whole array, as the pipeline produces them (0 where no score exists)."""
    with torch.no_grad():
        if config.architecture == "forecaster":
            contexts, commands, target = _forecast_frames(values)
            forecast = model.forecast(torch.from_numpy(contexts), torch.from_numpy(commands)).numpy()
            return np.concatenate([np.zeros(CONTEXT), (target - forecast) ** 2])
        if config.architecture == "horizon":  # as the scheduler cuts windows: each row scored once, fresh
            starts = window_starts(len(values))
            scores = model(torch.from_numpy(sliding_windows(values).copy()))[1].numpy()
            per_row = np.zeros(len(values))
            for start, window in zip(starts, scores):
                first = fresh_rows(int(start), len(window))
                per_row[start + first:start + len(window)] = window[first:]
            return per_row
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
    if config.architecture == "forecaster":
        inputs = [torch.from_numpy(a) for a in _forecast_frames(train)]
    else:
        windows = np.lib.stride_tricks.sliding_window_view(train, (WINDOW_SIZE, features))[:, 0].copy()
        inputs = [torch.from_numpy(windows)]
    split = int(len(inputs[0]) * (1 - config.holdout_fraction))
    model = _build_model(torch, features, config)

    def loss_of(batch: list) -> "torch.Tensor":
        if config.architecture == "forecaster":
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
    scores = _per_row_scores(torch, model, train, config)
    held_out = smooth_errors(scores, DetectorConfig().smoothing_span)[-int(len(scores) * config.holdout_fraction):]
    normal_error = float(held_out.max())
    threshold = normal_error ** 2
    name = repo.model_name(channel)
    model_dir = out_root / name
    (model_dir / "1").mkdir(parents=True, exist_ok=True)
    torch.onnx.export(model, (torch.zeros(1, WINDOW_SIZE, features),), str(model_dir / "1" / "model.onnx"),
                      input_names=[repo.INPUT_NAME], output_names=[repo.RECONSTRUCTION_NAME, repo.SCORE_NAME],
                      dynamic_axes={repo.INPUT_NAME: {0: "batch"}, repo.RECONSTRUCTION_NAME: {0: "batch"},
                                    repo.SCORE_NAME: {0: "batch"}},
                      opset_version=17, dynamo=False)
    summary = {"channel": channel, "threshold": threshold, "normal_error": normal_error, "holdout_loss": best_loss,
               "train_examples": int(len(inputs[0])), "config": config.__dict__}
    (model_dir / "config.pbtxt").write_text(repo.render_config(
        name, WINDOW_SIZE, features, threshold,
        {"channel": channel, "architecture": f"window-{config.architecture}", "seed": str(config.seed),
         "threshold_rule": "squared largest smoothed error on the held-out 20 % of train"}))
    (model_dir / "training.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    return summary

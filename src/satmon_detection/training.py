"""Training per-channel window autoencoders (PyTorch, optional dependency) and exporting ONNX.

Architecture: a small fully connected autoencoder over the whole 30x25
window (750 -> 64 -> 16 -> 64 -> 750). Its per-timestep score is the
squared reconstruction error of the telemetry value plus a small weight on
the 24 command flags. Trained on the first 80 % of the channel's `train`
array; the threshold is fitted on the whole `train` array only (the test
array and labels are never read here).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from satmon_detection import model_repository as repo
from satmon_detection.smap import load_channel
from satmon_detection.windows import WINDOW_SIZE

__all__ = ["TrainConfig", "train_channel"]

COMMAND_WEIGHT = 0.01


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 7
    epochs: int = 60
    hidden: int = 64
    latent: int = 16
    learning_rate: float = 2e-3
    batch_size: int = 64
    threshold_margin: float = 1.2  # threshold = margin x the largest training score
    holdout_fraction: float = 0.2
    architecture: str = "mlp"  # "mlp" (the committed models) or "transformer" (TranAD-style, compared in README)


def _build_model(torch, features: int, config: TrainConfig):
    nn = torch.nn
    weights = torch.full((features,), COMMAND_WEIGHT)
    weights[0] = 1.0

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

    class WindowTransformer(nn.Module):
        """TranAD-style reference: a one-layer transformer encoder over the 30 timesteps with a narrow
        bottleneck per timestep (25 -> 32 -> 4 -> 25), so it cannot simply copy its input."""

        def __init__(self) -> None:
            super().__init__()
            d_model = 32
            self.embed = nn.Linear(features, d_model)
            self.position = nn.Parameter(torch.zeros(1, WINDOW_SIZE, d_model))
            layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=64, dropout=0.0, batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
            self.squeeze = nn.Linear(d_model, 4)
            self.decode = nn.Sequential(nn.Linear(4, d_model), nn.GELU(), nn.Linear(d_model, features))
            self.register_buffer("weights", weights)

        def forward(self, window):
            hidden = self.encoder(self.embed(window) + self.position)
            reconstruction = self.decode(self.squeeze(hidden))
            score = ((window - reconstruction) ** 2 * self.weights).sum(dim=-1)
            return reconstruction, score

    return WindowTransformer() if config.architecture == "transformer" else WindowAutoencoder()


def train_channel(channel: str, out_root: Path, config: TrainConfig = TrainConfig(), data_root: Path | None = None) -> dict:
    import torch

    torch.manual_seed(config.seed)
    np.random.seed(config.seed)
    torch.use_deterministic_algorithms(True)
    train, _ = load_channel(channel, data_root)  # test split deliberately unused
    features = train.shape[1]
    windows = np.lib.stride_tricks.sliding_window_view(train, (WINDOW_SIZE, features))[:, 0].copy()
    split = int(len(windows) * (1 - config.holdout_fraction))
    fit = torch.from_numpy(windows[:split])
    model = _build_model(torch, features, config)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    generator = torch.Generator().manual_seed(config.seed)
    best_state, best_loss = None, float("inf")
    holdout = torch.from_numpy(windows[split:])
    for _ in range(config.epochs):
        model.train()
        order = torch.randperm(len(fit), generator=generator)
        for i in range(0, len(fit), config.batch_size):
            batch = fit[order[i:i + config.batch_size]]
            _, score = model(batch)
            loss = score.mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        model.eval()
        with torch.no_grad():
            val = model(holdout)[1].mean().item() if len(holdout) else loss.item()
        if val < best_loss:
            best_loss, best_state = val, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        train_scores = model(torch.from_numpy(windows))[1].numpy()
    threshold = float(train_scores.max() * config.threshold_margin)
    name = repo.model_name(channel)
    model_dir = out_root / name
    (model_dir / "1").mkdir(parents=True, exist_ok=True)
    torch.onnx.export(model, (torch.zeros(1, WINDOW_SIZE, features),), str(model_dir / "1" / "model.onnx"),
                      input_names=[repo.INPUT_NAME], output_names=[repo.RECONSTRUCTION_NAME, repo.SCORE_NAME],
                      dynamic_axes={repo.INPUT_NAME: {0: "batch"}, repo.RECONSTRUCTION_NAME: {0: "batch"},
                                    repo.SCORE_NAME: {0: "batch"}},
                      opset_version=17, dynamo=False)
    summary = {"channel": channel, "threshold": threshold, "holdout_loss": best_loss,
               "train_windows": int(len(windows)), "config": config.__dict__}
    (model_dir / "config.pbtxt").write_text(repo.render_config(
        name, WINDOW_SIZE, features, threshold,
        {"channel": channel, "architecture": f"window-autoencoder-{config.architecture}", "seed": str(config.seed),
         "threshold_rule": f"{config.threshold_margin} x max training score"}))
    (model_dir / "training.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    return summary

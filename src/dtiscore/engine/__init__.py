"""The engine: checked IR → a compiled program over numpy columns (`compile`, `kernels`),
user data → checked columns (`columns`), and every node's points, statuses and lost
points for all units at once (`evaluate`). Imports `language` and `errors` only."""

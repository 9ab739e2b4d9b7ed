"""What customers say and how to answer (SPEC S11–S16, V1–V9): emotion, scoring, answers, speech."""

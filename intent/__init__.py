"""The intent engine (SPEC S2–S7, B4, X2): user level, portrait, IntentNet, personality, greetings."""

package net2net.data;

/** Standardised splits and the preprocessing that produced them (to record in model.json). */
public record Standardized(Splits splits, Preprocessing preprocessing) {}

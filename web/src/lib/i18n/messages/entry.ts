// Messages of the entry section, kept apart so each section's strings live beside each other.
// Keys start with 'entry.'; the English object must have every key of the Chinese one.

export const entryZh = {
} as const satisfies Record<string, string>;

export const entryEn: Record<keyof typeof entryZh, string> = {
};

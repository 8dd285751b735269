// Messages of the records section, kept apart so each section's strings live beside each other.
// Keys start with 'records.'; the English object must have every key of the Chinese one.

export const recordsZh = {
} as const satisfies Record<string, string>;

export const recordsEn: Record<keyof typeof recordsZh, string> = {
};

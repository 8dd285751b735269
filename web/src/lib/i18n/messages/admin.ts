// Messages of the admin section, kept apart so each section's strings live beside each other.
// Keys start with 'admin.'; the English object must have every key of the Chinese one.

export const adminZh = {
} as const satisfies Record<string, string>;

export const adminEn: Record<keyof typeof adminZh, string> = {
};

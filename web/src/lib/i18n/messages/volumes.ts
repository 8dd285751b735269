// Messages of the volumes section, kept apart so each section's strings live beside each other.
// Keys start with 'volumes.'; the English object must have every key of the Chinese one.

export const volumesZh = {
} as const satisfies Record<string, string>;

export const volumesEn: Record<keyof typeof volumesZh, string> = {
};

import { authStore } from './auth-store.js';

/** Merges patch (e.g. a new avatarUrl) into the signed-in agent. */
export const updateMe = (patch) => authStore.updateAgent(patch);

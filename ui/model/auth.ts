// Login when the server has a password: the cookie it sets authenticates REST and WebSocket.
import { signal } from "@preact/signals";
import type { AuthStatusReply } from "../../api/wire.ts";
import { authRequired, describeError, get, post } from "./api.ts";

export const loginError = signal<string | null>(null);
/** The server has a password: the header offers to log out. */
export const passwordSet = signal(false);

/** Asks the server whether this browser must log in first. */
export async function checkAuth(): Promise<boolean> {
  try {
    const status = await get<AuthStatusReply>("/api/auth/status");
    passwordSet.value = status.authRequired === true;
    authRequired.value = status.authRequired === true && status.authenticated !== true;
  } catch {
    // A 401 here already set authRequired; anything else: carry on, requests will tell.
  }
  return !authRequired.value;
}

export async function logout(): Promise<void> {
  try {
    await post("/api/auth/logout");
  } finally {
    authRequired.value = true;
  }
}

export async function login(password: string, after: () => void): Promise<void> {
  loginError.value = null;
  try {
    await post("/api/auth/login", { password });
    authRequired.value = false;
    passwordSet.value = true;
    after();
  } catch (error) {
    loginError.value = describeError(error);
  }
}

// Signs in through the local IdP's login form, as a person would.
import { expect, type Page } from "@playwright/test";
import { platformConnection } from "@fleet/local-platform/testing";

export async function signIn(page: Page, user: "alice" | "bob", path: string): Promise<void> {
  const { oidc } = await platformConnection();
  await page.goto(path);
  await expect(page.getByLabel("Username")).toBeVisible();
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(oidc.passwords[user]);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-user")).toContainText(
    user === "alice" ? "deployer" : "viewer",
  );
}

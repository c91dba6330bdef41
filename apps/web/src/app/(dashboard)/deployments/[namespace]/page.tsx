import { redirect } from "next/navigation";

export default function NamespacePage(): never {
  redirect("/deployments");
}

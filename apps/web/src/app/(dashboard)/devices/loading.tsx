import type { ReactElement } from "react";
import { Loading } from "../../../components/states";

export default function LoadingPage(): ReactElement {
  return <Loading what="devices" />;
}
